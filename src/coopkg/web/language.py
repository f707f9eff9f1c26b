"""The reader's language (zh or en) and the words of the page chrome in both.

The choice comes from ``?lang=`` (the switch in every page header), then the ``lang``
cookie the switch sets (so the choice is remembered across pages and visits), then the
browser's Accept-Language, then Chinese, the language of the papers.
"""

from __future__ import annotations

from flask import Response, request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def chosen_language() -> str:
    asked = request.args.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "").lower()
    if remembered in LANGUAGES:
        return remembered
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "zh-TW", "en"], default=None)
    if best:
        return best.split("-", 1)[0].lower()
    return DEFAULT_LANGUAGE


def remember_language(response: Response) -> Response:
    """Set the cookie when the reader used the switch; say that HTML varies with it."""
    asked = request.args.get("lang", "").lower()
    if asked in LANGUAGES:
        response.set_cookie(COOKIE, asked, max_age=ONE_YEAR, samesite="Lax", path="/")
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    return response


#: the words of the page chrome; templates call ``t("key")``
UI: dict[str, dict[str, str]] = {
    "site_title": {"zh": "区域与跨境科技创新合作知识图谱",
                   "en": "Knowledge graph of regional and cross-border S&T cooperation"},
    "home": {"zh": "首页", "en": "Home"},
    "search": {"zh": "搜索", "en": "Search"},
    "search_placeholder": {"zh": "搜索名称：西安、Xi'an、xian…", "en": "Search names: Xi'an, 西安, xian…"},
    "ontology": {"zh": "本体", "en": "Ontology"},
    "shapes": {"zh": "SHACL 形状", "en": "Shapes"},
    "dataset": {"zh": "数据集", "en": "Dataset"},
    "dumps": {"zh": "下载", "en": "Dumps"},
    "sparql": {"zh": "SPARQL 查询", "en": "SPARQL query"},
    "language": {"zh": "语言", "en": "Language"},
    "types": {"zh": "类型", "en": "Types"},
    "inferred": {"zh": "推理所得", "en": "inferred"},
    "properties": {"zh": "属性", "en": "Properties"},
    "property": {"zh": "属性", "en": "Property"},
    "value": {"zh": "值", "en": "Value"},
    "source": {"zh": "来源", "en": "Source"},
    "sources": {"zh": "来源文献与章节", "en": "Source papers and sections"},
    "inbound": {"zh": "指向此处的资源", "en": "What points here"},
    "external_links": {"zh": "外部链接", "en": "External links"},
    "position": {"zh": "位置", "en": "Position"},
    "timeline": {"zh": "阶段", "en": "Stages"},
    "observations": {"zh": "观测值", "en": "Observations"},
    "neighbourhood": {"zh": "关联图", "en": "Neighbourhood"},
    "neighbours": {"zh": "个关联资源", "en": "neighbours"},
    "inferred_statements": {"zh": "OWL 2 RL 推理所得的陈述", "en": "Statements inferred by OWL 2 RL"},
    "also_known_as": {"zh": "又名", "en": "Also known as"},
    "data_formats": {"zh": "数据格式", "en": "Data"},
    "instances": {"zh": "实例", "en": "Instances"},
    "superclasses": {"zh": "上位类", "en": "Superclasses"},
    "subclasses": {"zh": "下位类", "en": "Subclasses"},
    "superproperties": {"zh": "上位属性", "en": "Super-properties"},
    "subproperties": {"zh": "下位属性", "en": "Sub-properties"},
    "domain": {"zh": "定义域", "en": "Domain"},
    "range": {"zh": "值域", "en": "Range"},
    "inverse": {"zh": "逆属性", "en": "Inverse"},
    "characteristics": {"zh": "特性", "en": "Characteristics"},
    "equivalent": {"zh": "等价于", "en": "Equivalent to"},
    "disjoint": {"zh": "不相交于", "en": "Disjoint with"},
    "domain_of": {"zh": "作为定义域的属性", "en": "Properties with this domain"},
    "range_of": {"zh": "作为值域的属性", "en": "Properties with this range"},
    "usage": {"zh": "用法", "en": "Usage"},
    "documentation": {"zh": "文档", "en": "Documentation"},
    "scheme": {"zh": "概念体系", "en": "Concept scheme"},
    "broader": {"zh": "上位概念", "en": "Broader"},
    "narrower": {"zh": "下位概念", "en": "Narrower"},
    "hierarchy": {"zh": "概念层级", "en": "Concept hierarchy"},
    "related": {"zh": "相关概念", "en": "Related"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "results": {"zh": "结果", "en": "Results"},
    "no_results": {"zh": "没有匹配的名称。", "en": "No name matches."},
    "measure": {"zh": "指标", "en": "Measure"},
    "period": {"zh": "参考时间", "en": "Reference period"},
    "stated_value": {"zh": "原文表述", "en": "Paper's wording"},
    "ongoing": {"zh": "至今", "en": "ongoing"},
    "classes": {"zh": "类", "en": "Classes"},
    "object_properties": {"zh": "对象属性", "en": "Object properties"},
    "datatype_properties": {"zh": "数据属性", "en": "Datatype properties"},
    "annotation_properties": {"zh": "注释属性", "en": "Annotation properties"},
    "individuals": {"zh": "个体", "en": "Named individuals"},
    "external_terms": {"zh": "使用的外部术语", "en": "External terms used"},
    "papers": {"zh": "来源论文", "en": "Source papers"},
    "browse_classes": {"zh": "按类浏览", "en": "Browse by class"},
    "examples": {"zh": "示例资源", "en": "Example resources"},
    "concept_schemes": {"zh": "概念体系", "en": "Concept schemes"},
    "version": {"zh": "版本", "en": "Version"},
    "license": {"zh": "许可", "en": "Licence"},
    "file": {"zh": "文件", "en": "File"},
    "size": {"zh": "大小", "en": "Size"},
    "format": {"zh": "格式", "en": "Format"},
    "triples": {"zh": "三元组", "en": "Triples"},
    "graph": {"zh": "命名图", "en": "Named graph"},
    "graphs": {"zh": "命名图", "en": "Named graphs"},
    "linksets": {"zh": "链接集", "en": "Linksets"},
    "entities": {"zh": "实体", "en": "Entities"},
    "showing": {"zh": "显示", "en": "showing"},
    "of": {"zh": "/", "en": "of"},
    "see_all_sparql": {"zh": "用 SPARQL 查看全部", "en": "see all with SPARQL"},
    "latest": {"zh": "最新", "en": "latest"},
    "release": {"zh": "发布版本", "en": "Release"},
    "target": {"zh": "目标", "en": "Targets"},
    "constraints": {"zh": "约束", "en": "Constraints"},
    "message": {"zh": "说明", "en": "Message"},
    "path": {"zh": "路径", "en": "Path"},
    "sitemap": {"zh": "站点地图", "en": "Sitemap"},
}


def translate(key: str, lang: str) -> str:
    words = UI.get(key)
    if words is None:
        return key
    return words.get(lang) or words["en"]
