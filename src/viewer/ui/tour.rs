//! The essay's steps as data: what each tour step is called and says, in both languages, and
//! which words of the loaded space it uses (the panel in `panels/tour.rs` sets the view up).

use crate::viewer::core::model::SpaceModel;
use crate::viewer::ui::i18n::Lang;

/// One step of the tour, in the essay's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourStep {
    OneHot,
    RandomStart,
    TrainingPulls,
    Analogy,
    RelationLens,
    RandomVsPretrained,
}

impl TourStep {
    pub const ALL: [TourStep; 6] = [
        TourStep::OneHot,
        TourStep::RandomStart,
        TourStep::TrainingPulls,
        TourStep::Analogy,
        TourStep::RelationLens,
        TourStep::RandomVsPretrained,
    ];

    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            TourStep::OneHot => lang.pick("One-hot", "独热编码"),
            TourStep::RandomStart => lang.pick("Random start", "随机起点"),
            TourStep::TrainingPulls => lang.pick("Training pulls together", "训练让相关词靠拢"),
            TourStep::Analogy => lang.pick("king − man + woman", "国王 − 男人 + 女人"),
            TourStep::RelationLens => lang.pick("Parallel arrows", "平行的箭头"),
            TourStep::RandomVsPretrained => lang.pick("Random vs pretrained", "随机与预训练"),
        }
    }

    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            TourStep::OneHot => lang.pick(
                "As one-hot vectors every word is its own axis: any two words are at cosine 0 \
                 and at the same distance, so nothing is closer to anything. Drawn here as \
                 points evenly spread on a sphere. The vectors are as long as the vocabulary.",
                "独热向量里每个词各占一个维度：任意两个词的余弦都是 0、距离都相同，谁也不比谁更近。\
                 这里把它们画成均匀分布在球面上的点。向量的长度等于词表大小。",
            ),
            TourStep::RandomStart => lang.pick(
                "Dense vectors start random: short, cheap, and chaotic. Colours are clusters, \
                 arrows are relations; at snapshot 0 the arrows point every which way.",
                "稠密向量从随机开始：短小、便宜，却一片混乱。颜色是聚类，箭头是关系；\
                 在第 0 个快照，箭头指向四面八方。",
            ),
            TourStep::TrainingPulls => lang.pick(
                "Training pulls words that share contexts together. Watch the selected word's \
                 neighbour list change as the playhead moves through the snapshots.",
                "训练把出现在相似上下文里的词拉到一起。播放时留意所选词的近邻列表如何随快照变化。",
            ),
            TourStep::Analogy => lang.pick(
                "Directions carry meaning: king − man + woman lands near queen. The view zooms \
                 onto the four words; the two yellow arrows (man → king, woman → the answer) \
                 are two sides of a parallelogram: the same offset, \"male → royal\", twice.",
                "方向带有含义：国王 − 男人 + 女人 落在女王附近。视图放大到这四个词；两条黄色箭头\
                 （男人 → 国王，女人 → 答案）是平行四边形的两条边：同一个偏移“男 → 王”出现了两次。",
            ),
            TourStep::RelationLens => lang.pick(
                "The lens turns the view so that one axis follows the relation's mean offset: \
                 country → capital arrows become long and parallel, as the consistency score \
                 says they are in the full space.",
                "关系透镜把视角转到沿关系的平均偏移方向：国家 → 首都的箭头变长、变得平行，\
                 正如完整空间里的一致性分数所示。",
            ),
            TourStep::RandomVsPretrained => lang.pick(
                "The same corpus trained twice: from random vectors and from pretrained ones. \
                 Pretrained starts in order and converges faster: compare the loss and \
                 consistency curves, and switch between the two runs.",
                "同一份语料训练两次：一次从随机向量开始，一次从预训练向量开始。\
                 预训练的起点已有秩序、收敛更快：比较两条损失和一致性曲线，并在两次训练之间切换。",
            ),
        }
    }
}

/// A word whose neighbourhood tells a story, if the space has one.
pub fn showcase_word(model: &SpaceModel) -> Option<usize> {
    [
        "法国", "巴黎", "france", "paris", "国王", "king", "猫", "cat",
    ]
    .iter()
    .find_map(|w| model.row_of(w))
    .or_else(|| (!model.words.is_empty()).then_some(0))
}

/// The first of the classic analogies whose three words the space has: `[a, b, c, expected]`
/// for a : b :: c : expected (the expected answer may be missing from the space).
/// In the interface language's words first (the demo has both).
pub fn analogy_words(model: &SpaceModel, lang: Lang) -> Option<[&'static str; 4]> {
    const ENGLISH: [[&str; 4]; 2] = [
        ["man", "king", "woman", "queen"],
        ["france", "paris", "japan", "tokyo"],
    ];
    const CHINESE: [[&str; 4]; 3] = [
        ["男人", "国王", "女人", "女王"],
        ["男", "国王", "女", "女王"],
        ["法国", "巴黎", "日本", "东京"],
    ];
    let (first, second): (&[[&str; 4]], &[[&str; 4]]) = match lang {
        Lang::En => (&ENGLISH, &CHINESE),
        Lang::Zh => (&CHINESE, &ENGLISH),
    };
    first
        .iter()
        .chain(second)
        .copied()
        .find(|words| words[..3].iter().all(|w| model.row_of(w).is_some()))
}
