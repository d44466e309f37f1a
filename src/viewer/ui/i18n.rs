//! The interface in 中文 and English. Every text shown by a panel goes through [`Lang::tr`]
//! with its English wording as the key; the Chinese table below holds the translation. Texts
//! with values use `{}` placeholders filled in order by [`fill`]. The language starts from
//! `--lang` or the system locale and can be switched in the window.

use bevy::prelude::*;

pub use crate::viewer::options::Lang;

impl Lang {
    /// The text in this language (the English key itself when no translation exists).
    pub fn tr(self, en: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => ZH
                .iter()
                .find(|(key, _)| *key == en)
                .map_or(en, |(_, zh)| zh),
        }
    }

    /// One of two inline texts (long texts that live next to their use, like the tour's).
    pub fn pick(self, en: &'static str, zh: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The name of the language in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

/// Replaces each `{}` in `template` with the next value.
pub fn fill(template: &str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        match values.next() {
            Some(value) => out.push_str(&value.to_string()),
            None => out.push_str("{}"),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// English → 中文. Keys are the exact English texts used in the panels.
pub const ZH: &[(&str, &str)] = &[
    // Layout
    ("Training", "训练"),
    ("Display", "显示"),
    ("Open / export", "打开 / 导出"),
    ("Word", "词"),
    ("Relations", "关系"),
    ("Analogy", "类比"),
    ("Tour", "导览"),
    ("Language", "语言"),
    // Training panel
    ("state: {}", "状态：{}"),
    ("details", "详情"),
    ("cluster:", "聚类："),
    ("category:", "类别："),
    ("Mouse and keys", "鼠标与按键"),
    (
        "left drag: orbit · right or middle drag: pan · wheel: zoom",
        "左键拖动：旋转 · 右键或中键拖动：平移 · 滚轮：缩放",
    ),
    (
        "click a point: its nearest neighbours · double-click: fly to it",
        "单击一个点：看它的近邻 · 双击：飞到它那里",
    ),
    (
        "Esc: clear the selection · Display > Reset view: frame everything",
        "Esc：清除选择 · 显示 > 重置视角：显示全部",
    ),
    (
        "drop a file on the window to open it",
        "把文件拖到窗口上即可打开",
    ),
    (
        "loss {} (mean over the last ~{} words) · lr {}",
        "损失 {}（最近约 {} 个词的平均）· 学习率 {}",
    ),
    ("playing the snapshots", "正在播放各个快照"),
    ("live: following training", "实时：跟随训练"),
    (
        "Nothing is training: {} was made by another program.",
        "没有在训练：{} 是别的程序生成的。",
    ),
    (
        "Open a corpus (Open / export) to train and watch a space form.",
        "打开一个语料（打开 / 导出）即可训练，看空间如何形成。",
    ),
    ("Pause", "暂停"),
    ("Resume", "继续"),
    ("Step", "单步"),
    (
        "Run to the next snapshot, then pause",
        "运行到下一个快照后暂停",
    ),
    ("Cancel", "取消"),
    (
        "epoch {} · {}k words/s · ETA {}",
        "第 {} 轮 · 每秒 {}k 词 · 剩余 {}",
    ),
    (
        "vocabulary {} words · {} on screen",
        "词表 {} 词 · 显示 {} 词",
    ),
    ("words", "词数"),
    ("loss", "损失"),
    ("Parameters / restart", "参数 / 重新训练"),
    ("dimensions", "维度"),
    ("window", "窗口"),
    ("epochs", "轮数"),
    ("negative", "负样本"),
    ("alpha", "学习率"),
    ("seed", "随机种子"),
    ("snapshot words", "快照词数"),
    ("pretrained", "预训练向量"),
    (
        "vectors file (empty: random)",
        "向量文件（留空：随机初始化）",
    ),
    ("Restart training", "重新训练"),
    ("idle", "空闲"),
    ("loading…", "加载中…"),
    ("training", "训练中"),
    ("paused", "已暂停"),
    ("finished", "已完成"),
    ("starting…", "正在开始…"),
    ("starting", "正在开始"),
    ("analysing its snapshots", "正在分析它的快照"),
    ("random init", "随机初始化"),
    ("pretrained init", "预训练初始化"),
    (
        "random vs pretrained: run {} of 2 ({}), {}",
        "随机与预训练对比：第 {} 次，共 2 次（{}），{}",
    ),
    (
        "caption the animation (snapshot, epoch)",
        "动画加字幕（快照、轮次）",
    ),
    (
        "Write the snapshot and epoch into every frame of the animation",
        "在动画的每一帧写上快照和轮次",
    ),
    (
        "snapshot {} of {} · epoch {} · {} words",
        "快照 {} / {} · 第 {} 轮 · {} 词",
    ),
    (
        "UMAP axes have no variance meaning: only who sits near whom counts",
        "UMAP 的坐标轴没有方差含义：只有谁挨着谁才有意义",
    ),
    (
        "Each axis's share of the snapshot's total variance; the three together show {}% of it. Aligned frames are turned to match the previous one, so the screen axes mix the three.",
        "每个轴占该快照总方差的比例；三个轴合起来显示了其中的 {}%。对齐的帧会转向前一帧，所以屏幕上的轴是这三个的混合。",
    ),
    ("x: {} · y: {} · z: {}", "x：{} · y：{} · z：{}"),
    (
        "Each axis's share of the variance of the words the axes were fitted on",
        "每个轴占拟合这些轴所用词语方差的比例",
    ),
    ("PCA of the rest", "其余部分的 PCA"),
    ("{} offset", "{} 的偏移"),
    ("cancelled", "已取消"),
    ("failed", "失败"),
    // Display panel
    ("Colour by", "着色"),
    ("cluster", "聚类"),
    ("final", "最终聚类"),
    ("category", "类别"),
    ("each snapshot's own clusters", "每个快照各自的聚类"),
    (
        "the latest snapshot's clusters on every frame",
        "所有帧都用最新快照的聚类",
    ),
    ("Clusters k", "聚类数 k"),
    ("Projection", "投影"),
    ("aligned", "对齐"),
    ("fixed", "固定"),
    ("lens", "关系透镜"),
    ("none (PCA)", "无（PCA）"),
    (
        "One axis along the relation's mean offset, two from PCA of its words",
        "一个轴沿关系的平均偏移，另外两个取自其词的 PCA",
    ),
    ("View", "视图"),
    ("axes", "语义轴"),
    (
        "X[,Y]: WORD>WORD or a relation's name; the other axes from PCA",
        "X[,Y]：词>词 或关系名；其余的轴取自 PCA",
    ),
    ("Apply", "应用"),
    // Columns window
    ("Columns", "列"),
    ("clusters", "聚类"),
    ("latest clusters", "最终聚类"),
    ("categories", "类别"),
    ("click an entry to show or hide it", "点击条目以显示或隐藏"),
    ("{} of {} points shown", "显示 {} / {} 个点"),
    ("Filter", "筛选"),
    ("Off", "关闭"),
    (
        "shift + drag in the view: draw a lasso",
        "在视图中按住 Shift 拖动：套索选择",
    ),
    ("{} selected", "已选 {} 个"),
    ("Export", "导出"),
    (
        "a path ending in .parquet writes Parquet, any other TSV",
        "路径以 .parquet 结尾则写 Parquet，否则写 TSV",
    ),
    ("Neighbours of selection", "选区的近邻"),
    (
        "nearest rows (cosine, full space) to the centroid of the selection",
        "与选区质心最近的行（余弦，全维空间）",
    ),
    (
        "neighbours of the selection ({} rows)",
        "选区（{} 行）的近邻",
    ),
    ("as given", "给定坐标"),
    ("the table's own coordinates", "表格自带的坐标"),
    (
        "Axes as the table gives them: the quality figures say how well they keep neighbours",
        "坐标轴按表格给定：下面的质量指标说明它们保留近邻的程度",
    ),
    (
        "The table's own x, y (and z) columns",
        "表格自带的 x、y（和 z）列",
    ),
    ("column {}", "列 {}"),
    ("chosen in the Columns window", "在“列”窗口中选择"),
    (
        "shift + left drag: lasso selection (Columns window)",
        "Shift + 左键拖动：套索选择（见“列”窗口）",
    ),
    ("Labels", "标注"),
    ("label", "标签"),
    ("learned vectors", "学到的向量"),
    ("one-hot", "独热"),
    (
        "Each frame's own PCA, rotated onto the previous frame",
        "每帧各自做 PCA，并旋转对齐到上一帧",
    ),
    (
        "One PCA basis, fitted on the latest frame, for every frame",
        "所有帧共用一个在最新帧上拟合的 PCA 基",
    ),
    ("point size", "点大小"),
    ("fade far points", "远处的点变暗"),
    ("labels", "标签"),
    ("Reset view", "重置视角"),
    ("snapshots keep {} words each", "每个快照保留 {} 个词"),
    // Files panel
    (
        "Browse, type a path, or drop a file on the window.",
        "浏览、输入路径，或把文件拖进窗口。",
    ),
    ("Browse…", "浏览…"),
    ("Train on corpus", "用语料训练"),
    ("Open vectors", "打开向量"),
    ("Open timeline", "打开时间线"),
    ("Relations TSV", "关系 TSV"),
    ("Metadata TSV", "元数据 TSV"),
    ("Demo", "演示"),
    ("Save screenshot", "保存截图"),
    ("Save vectors", "保存向量"),
    ("Save neighbours", "保存近邻"),
    ("Save timeline", "保存时间线"),
    ("Save animation (GIF)", "保存动画（GIF）"),
    ("Save view", "保存视图"),
    (
        "Saves the camera, playhead, selection, lens or axes, projection, colouring and language to a small JSON file; open it with embedscape view --view FILE.",
        "把相机、播放位置、选中的词、透镜或语义轴、投影方法、着色方式和界面语言保存到一个小 JSON 文件；用 embedscape view --view 文件 打开。",
    ),
    ("Preparing the animation…", "正在准备动画…"),
    ("Recording frame {} of {}…", "正在录制第 {} / {} 帧…"),
    ("Finishing the animation…", "正在完成动画…"),
    ("Saved {}: {} frames, {} KB", "已保存 {}：{} 帧，{} KB"),
    (
        "Records the whole timeline as the window shows it: 48 frames at 12 per second. A path like frames/%04d.png gives numbered PNGs.",
        "按窗口所见录制整个时间线：48 帧，每秒 12 帧。路径形如 frames/%04d.png 时保存为编号的 PNG 序列。",
    ),
    // Word panel
    ("search a word (中文 or English)", "搜索词（中文或英文）"),
    (
        "Click a point, or search, to see its neighbours. Esc clears.",
        "点击一个点或搜索，查看它的近邻。Esc 清除。",
    ),
    ("clear (Esc)", "清除（Esc）"),
    ("neighbours", "近邻数"),
    ("nearest in 3D", "3D 中最近的词"),
    (
        "{} of {} are also cosine neighbours",
        "其中 {} / {} 也是余弦近邻",
    ),
    // Relations panel
    (
        "No relations loaded (open a relations TSV: head, tail, relation).",
        "没有载入关系（打开关系 TSV：头、尾、关系）。",
    ),
    ("waiting for the first snapshot", "等待第一个快照"),
    ("consistency {} (start {})", "一致性 {}（开始时 {}）"),
    ("on screen {}", "屏幕上 {}"),
    (
        "{} pairs scored, {} without both words among the snapshot's · analogy top-1 {}",
        "计分 {} 对，{} 对的词不全在快照中 · 类比首位正确率 {}",
    ),
    ("pairs of {}", "{} 的词对"),
    ("Show with the lens", "用透镜查看"),
    (
        "How parallel the arrows are in this 3D view (1 = parallel)",
        "箭头在当前 3D 视图中有多平行（1 = 平行）",
    ),
    ("{} relation sets loaded", "已载入 {} 个关系集"),
    ("built-in", "内置"),
    ("your file", "你的文件"),
    (
        "{}: {} of the set's pairs in this vocabulary, {} not ({})",
        "{}：集合中 {} 对在词表里，{} 对不在（{}）",
    ),
    // Analogy panel
    ("Solve", "求解"),
    ("Clear", "清除"),
    // Timeline
    ("⏸ Pause", "⏸ 暂停"),
    ("▶ Play", "▶ 播放"),
    ("snapshot", "快照"),
    ("live", "实时"),
    (" frames/s", " 帧/秒"),
    (
        "snapshot {} of {} · epoch {} · {} words · lr {} · loss {}",
        "快照 {} / {} · 第 {} 轮 · {} 词 · 学习率 {} · 损失 {}",
    ),
    (
        "snapshot {} of {} · checkpoint {}",
        "快照 {} / {} · 检查点 {}",
    ),
    ("no snapshot yet", "还没有快照"),
    ("analysing snapshot {} of {}", "正在分析快照 {} / {}"),
    (
        "UMAP of snapshot {} of {}: epoch {} of {}",
        "UMAP：快照 {} / {}，第 {} / {} 轮",
    ),
    (
        "UMAP of snapshot {} of {}: first layout of a sample, epoch {} of {}",
        "UMAP：快照 {} / {}，先排一个样本，第 {} / {} 轮",
    ),
    (
        "UMAP of snapshot {} of {}: neighbour graph, {} of {}",
        "UMAP：快照 {} / {}，近邻图 {} / {}",
    ),
    ("Method", "方法"),
    (
        "Straight axes of most variance: distances stay honest",
        "方差最大的直轴：距离保持真实",
    ),
    (
        "Neighbourhoods side by side, each frame from the last",
        "邻域并排展开，每帧从上一帧出发",
    ),
    ("PCA, solver: {}", "PCA，求解器：{}"),
    (
        "UMAP from the previous frame's layout",
        "UMAP，从上一帧的布局出发",
    ),
    ("relation lens", "关系透镜"),
    (
        "neighbours kept at {}: {}%   trustworthiness: {}",
        "前 {} 近邻保留：{}%   可信度：{}",
    ),
    (
        "Share of each word's {} nearest neighbours kept on screen, over {} words",
        "每个词在完整空间中的 {} 个最近邻在屏幕上仍为近邻的比例，基于 {} 个词",
    ),
    ("measured once the layout is done", "布局完成后再测量"),
    ("too few words to measure the view", "词太少，无法评估视图"),
    ("exact", "精确"),
    ("exact (LOBPCG fell back)", "精确（LOBPCG 回退）"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_known_texts_and_falls_back_to_english() {
        assert_eq!(Lang::Zh.tr("Pause"), "暂停");
        assert_eq!(Lang::En.tr("Pause"), "Pause");
        assert_eq!(Lang::Zh.tr("no such text"), "no such text");
    }

    #[test]
    fn keys_are_unique_and_placeholders_agree() {
        for (i, (key, zh)) in ZH.iter().enumerate() {
            assert!(
                ZH[i + 1..].iter().all(|(other, _)| other != key),
                "duplicate key {key:?}"
            );
            assert_eq!(
                key.matches("{}").count(),
                zh.matches("{}").count(),
                "placeholders of {key:?}"
            );
        }
    }

    #[test]
    fn every_text_the_panels_ask_for_is_translated() {
        // Panels and labels call `tr("...")`; each such key must be in the table.
        let mut files = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/viewer")];
        let mut missing = Vec::new();
        let mut read = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.ends_with("i18n.rs") {
                continue; // the table and these tests
            }
            let source = std::fs::read_to_string(&path).unwrap();
            read += 1;
            for part in source.split("tr(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                if !ZH.iter().any(|(k, _)| *k == key) {
                    missing.push(key.to_owned());
                }
            }
        }
        assert!(read > 30, "the viewer's sources were not found");
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    #[test]
    fn fill_replaces_in_order_and_parses_locales() {
        assert_eq!(fill("快照 {} / {}", &[&3, &"10"]), "快照 3 / 10");
        assert_eq!(fill("{} and {}", &[&1]), "1 and {}");
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }
}
