#!/usr/bin/env python3
"""Deterministic generator of a large fictional data resource catalog for
bench/catalog_search.sh.

    bench/gen_catalog.py --out DIR [--count 100000] [--seed 20240601]

Writes into DIR:
  orgs.tsv      the providers (code, name, level, division, kind, parent), parents
                first: create them with `yiwang org add` before importing
  catalog.csv   COUNT resources of 5-10 fields each, one row per field, in the
                columns of src/catalog/import.c (`yiwang catalog import --publish`)
  baseline.sql  the same CSV rows as plain INSERTs into one 26-column table, in
                one transaction, WAL and synchronous=FULL like the node (sqlite3 CLI)
  queries.tsv   about 50 search requests (class, documents matching, path) for wrk
                and for timing one by one: 2-, 3- and 4-character Chinese words of
                high, medium and low document frequency (measured on this catalog),
                English words and prefixes, filters, no text, deep pages

Everything is drawn from a vocabulary of government data terms with Zipf-like
weights, so that common terms (信息, 登记, 代码) are in most resources and rare ones
in a handful. Same seed and count, same bytes. Standard library only.
"""
import argparse
import bisect
import csv
import itertools
import math
import os
import random
import re
import sys
import urllib.parse

# ---- providers ---------------------------------------------------------------
# (code, name, domains): province departments, then the two cities' bureaus.
PROVINCE = [
    ("ql.gat", "青岚省公安厅", ["police", "traffic"]),
    ("ql.mzt", "青岚省民政厅", ["civil"]),
    ("ql.rst", "青岚省人力资源和社会保障厅", ["social", "labour"]),
    ("ql.wjw", "青岚省卫生健康委员会", ["health"]),
    ("ql.jyt", "青岚省教育厅", ["education"]),
    ("ql.scjg", "青岚省市场监督管理局", ["market", "food"]),
    ("ql.swj", "国家税务总局青岚省税务局", ["tax"]),
    ("ql.zrzyt", "青岚省自然资源厅", ["land", "geo"]),
    ("ql.zjt", "青岚省住房和城乡建设厅", ["housing", "construction"]),
    ("ql.jtt", "青岚省交通运输厅", ["transport"]),
    ("ql.nynct", "青岚省农业农村厅", ["agri"]),
    ("ql.slt", "青岚省水利厅", ["water"]),
    ("ql.sthjt", "青岚省生态环境厅", ["env"]),
    ("ql.yjglt", "青岚省应急管理厅", ["emergency", "safety"]),
    ("ql.whlyt", "青岚省文化和旅游厅", ["culture"]),
    ("ql.czt", "青岚省财政厅", ["finance"]),
    ("ql.sft", "青岚省司法厅", ["justice"]),
    ("ql.ybj", "青岚省医疗保障局", ["medins"]),
    ("ql.tjj", "青岚省统计局", ["stats"]),
    ("ql.lyj", "青岚省林业局", ["forest"]),
    ("ql.swt", "青岚省商务厅", ["commerce"]),
    ("ql.fgw", "青岚省发展和改革委员会", ["credit", "project"]),
    ("ql.jxt", "青岚省经济和信息化厅", ["industry"]),
    ("ql.kjt", "青岚省科学技术厅", ["science"]),
    ("ql.tyj", "青岚省体育局", ["sport"]),
    ("ql.tyjrt", "青岚省退役军人事务厅", ["veteran"]),
    ("ql.xfzd", "青岚省消防救援总队", ["fire"]),
    ("ql.qxj", "青岚省气象局", ["weather"]),
    ("ql.ypj", "青岚省药品监督管理局", ["drug"]),
    ("ql.gjj", "青岚省住房公积金管理中心", ["fund"]),
    ("ql.dag", "青岚省档案馆", ["archive"]),
    ("ql.gaj.crj", "青岚省公安厅出入境管理局", ["border"]),
    ("ql.hgj", "青岚海关", ["customs"]),
    ("ql.yzj", "青岚省邮政管理局", ["post"]),
    ("ql.zfcg", "青岚省公共资源交易中心", ["procure"]),
    ("ql.xfj", "青岚省信访局", ["petition"]),
]
CITY_BUREAUS = [
    ("gaj", "公安局", ["police", "traffic"]),
    ("mzj", "民政局", ["civil"]),
    ("rsj", "人力资源和社会保障局", ["social", "labour"]),
    ("wjw", "卫生健康委员会", ["health"]),
    ("jyj", "教育局", ["education"]),
    ("zjj", "住房和城乡建设局", ["housing", "construction"]),
    ("jtj", "交通运输局", ["transport"]),
    ("sthjj", "生态环境局", ["env"]),
    ("yjj", "应急管理局", ["emergency", "safety"]),
    ("cgj", "城市管理局", ["urban"]),
    ("ybj", "医疗保障局", ["medins"]),
    ("scjg", "市场监督管理局", ["market", "food"]),
]
CITIES = [("qc", "青川市", "330100"), ("lg", "岚港市", "330200")]

# ---- vocabulary by domain ----------------------------------------------------
# subjects and objects make names ("机动车" + "登记" + "信息"); fields are
# (name, column, type, length, grade 1-5, personal, sensitive). Earlier entries
# are drawn more often (Zipf), so the last ones of each list are rare.
P = "personal"
DOMAINS = {
    "police": ("基础/人口",
               ["居民身份证", "户籍人口", "流动人口", "常住人口", "暂住人口", "出生登记", "死亡注销",
                "户口迁移", "旅馆住宿", "犬只", "无犯罪记录", "治安案件", "保安从业人员", "枪支弹药",
                "剧毒化学品购买", "寄递实名", "网吧上网人员", "典当业", "废旧金属收购", "开锁业"],
               ["登记", "申领", "换领", "核查", "备案", "变更", "注销", "证明", "办理", "许可"],
               [("公民身份号码", "gmsfhm", "C", 18, 4, P, False), ("姓名", "xm", "C", 50, 3, P, False),
                ("性别", "xb", "C", 1, 3, P, False), ("民族", "mz", "C", 2, 3, P, False),
                ("出生日期", "csrq", "D", None, 3, P, False), ("户籍地址", "hjdz", "C", 200, 4, P, False),
                ("居住地址", "jzdz", "C", 200, 4, P, False), ("证件有效期", "zjyxq", "D", None, 2, P, False),
                ("签发机关", "qfjg", "C", 100, 2, None, False), ("人脸照片", "rlzp", "G", None, 5, P, True),
                ("指纹信息", "zwxx", "G", None, 5, P, True), ("犬只芯片号", "qzxph", "C", 20, 2, None, False),
                ("案件编号", "ajbh", "C", 30, 4, None, False)]),
    "traffic": ("部门",
                ["机动车", "驾驶人", "交通违法", "交通事故", "非机动车", "校车", "渣土车", "危险品运输车辆",
                 "电动自行车", "临时号牌", "车辆年检", "驾驶证记分", "事故责任认定"],
                ["登记", "处理", "抄告", "检验", "备案", "查验", "转移", "抵押", "注销", "记分"],
                [("号牌号码", "hphm", "C", 15, 3, None, False), ("号牌种类", "hpzl", "C", 2, 2, None, False),
                 ("车辆识别代号", "clsbdh", "C", 17, 3, None, False), ("驾驶证号", "jszh", "C", 18, 4, P, False),
                 ("违法时间", "wfsj", "T", None, 3, None, False), ("违法地点", "wfdd", "C", 200, 3, None, False),
                 ("记分分值", "jffz", "N", 2, 3, P, False), ("事故地点", "sgdd", "C", 200, 3, None, False),
                 ("车辆品牌", "clpp", "C", 50, 1, None, False), ("发动机号", "fdjh", "C", 30, 3, None, False)]),
    "civil": ("主题/社区治理",
              ["婚姻", "收养", "社会组织", "最低生活保障", "特困人员", "殡葬", "养老机构", "残疾人两项补贴",
               "地名", "慈善组织", "孤儿", "困境儿童", "留守老人", "志愿服务", "城乡社区"],
              ["登记", "备案", "救助", "审批", "年检", "认定", "补贴发放", "核查", "变更", "评估"],
              [("婚姻登记日期", "hydjrq", "D", None, 3, P, False), ("登记机关", "djjg", "C", 100, 1, None, False),
               ("救助金额", "jzje", "N", 12, 3, P, False), ("家庭人口数", "jtrks", "N", 3, 3, P, False),
               ("社会组织名称", "shzzmc", "C", 200, 1, None, False), ("法定代表人", "fddbr", "C", 50, 2, P, False),
               ("地名代码", "dmdm", "C", 20, 1, None, False), ("养老床位数", "ylcws", "N", 6, 1, None, False),
               ("残疾等级", "cjdj", "C", 2, 4, P, True), ("低保证号", "dbzh", "C", 30, 3, P, False)]),
    "social": ("主题/社会保障",
               ["企业职工基本养老保险", "城乡居民基本养老保险", "失业保险", "工伤保险", "社会保障卡",
                "养老金", "社保缴费", "退休人员", "社保待遇", "个人权益", "机关事业单位养老保险"],
               ["参保", "缴费", "待遇发放", "认定", "核定", "转移接续", "登记", "停保", "补缴", "资格认证"],
               [("社会保障号码", "shbzhm", "C", 18, 4, P, False), ("参保状态", "cbzt", "C", 2, 3, P, False),
                ("缴费基数", "jfjs", "N", 12, 3, P, False), ("缴费月数", "jfys", "N", 4, 3, P, False),
                ("参保单位", "cbdw", "C", 200, 2, None, False), ("待遇金额", "dyje", "N", 12, 3, P, False),
                ("社保卡号", "sbkh", "C", 20, 4, P, False), ("银行账号", "yhzh", "C", 30, 4, P, True),
                ("退休日期", "txrq", "D", None, 3, P, False), ("工伤认定结论", "gsrdjl", "C", 500, 4, P, True)]),
    "labour": ("部门",
               ["就业登记", "失业登记", "职业技能等级", "劳动合同", "劳动保障监察", "人才引进", "职称评审",
                "技工院校", "劳务派遣", "欠薪", "职业培训补贴", "高校毕业生就业"],
               ["登记", "备案", "认定", "核发", "投诉", "处理", "申报", "评审", "补贴", "公示"],
               [("就业状态", "jyzt", "C", 2, 3, P, False), ("用人单位", "yrdw", "C", 200, 2, None, False),
                ("职业资格证书编号", "zyzgzsbh", "C", 30, 2, P, False), ("技能等级", "jndj", "C", 2, 2, P, False),
                ("合同期限", "htqx", "C", 20, 3, P, False), ("月工资", "ygz", "N", 12, 4, P, False),
                ("职称等级", "zcdj", "C", 2, 2, P, False), ("投诉事由", "tssy", "C", 500, 3, None, False)]),
    "health": ("主题/健康保障",
               ["出生医学证明", "预防接种", "医疗机构执业", "医师执业", "护士执业", "传染病报告", "死亡医学证明",
                "电子健康档案", "家庭医生签约", "母婴保健", "职业病诊断", "献血", "采供血", "互联网医院",
                "120急救"],
               ["登记", "注册", "备案", "报告", "签发", "校验", "接种", "签约", "变更", "监测"],
               [("医疗机构名称", "yljgmc", "C", 200, 1, None, False), ("执业类别", "zylb", "C", 20, 2, None, False),
                ("疫苗名称", "ymmc", "C", 100, 3, P, False), ("接种日期", "jzrq", "D", None, 3, P, False),
                ("诊断结果", "zdjg", "C", 500, 4, P, True), ("病种名称", "bzmc", "C", 100, 4, P, True),
                ("新生儿姓名", "xsexm", "C", 50, 3, P, False), ("出生体重", "cstz", "N", 5, 3, P, False),
                ("签约医生", "qyys", "C", 50, 2, None, False), ("献血量", "xxl", "N", 4, 3, P, False)]),
    "education": ("部门",
                  ["学籍", "学历证书", "教师资格", "学前教育", "义务教育入学", "普通高中", "中等职业教育",
                   "学生资助", "校外培训机构", "学位证书", "民办学校", "特殊教育", "校车安全"],
                  ["登记", "认定", "注册", "招生", "资助", "审批", "年检", "变更", "核验", "备案"],
                  [("学籍号", "xjh", "C", 20, 3, P, False), ("学校名称", "xxmc", "C", 200, 1, None, False),
                   ("年级", "nj", "C", 10, 2, P, False), ("入学日期", "rxrq", "D", None, 2, P, False),
                   ("毕业证书编号", "byzsbh", "C", 30, 2, P, False), ("资助金额", "zzje", "N", 10, 3, P, False),
                   ("教师资格证号", "jszgzh", "C", 20, 2, P, False), ("办学许可证号", "bxxkzh", "C", 30, 1, None, False)]),
    "market": ("基础/法人",
               ["企业", "个体工商户", "农民专业合作社", "营业执照", "企业年度报告", "经营异常名录",
                "严重违法失信企业", "行政处罚", "商标质押", "特种设备", "计量器具", "认证认可", "广告经营",
                "股权出质", "动产抵押", "知识产权"],
               ["登记", "注册", "备案", "许可", "公示", "检查", "处罚", "变更", "注销", "抽查"],
               [("企业名称", "qymc", "C", 200, 1, None, False), ("注册资本", "zczb", "N", 18, 2, None, False),
                ("成立日期", "clrq", "D", None, 1, None, False), ("经营范围", "jyfw", "M", None, 1, None, False),
                ("住所", "zs", "C", 200, 1, None, False), ("登记状态", "djzt", "C", 2, 1, None, False),
                ("法定代表人姓名", "fddbrxm", "C", 50, 2, P, False), ("处罚决定书文号", "cfjdswh", "C", 50, 2, None, False),
                ("设备注册代码", "sbzcdm", "C", 30, 2, None, False), ("股东名称", "gdmc", "C", 200, 2, None, False)]),
    "food": ("主题/食品药品安全",
             ["食品生产许可", "食品经营许可", "食品抽检", "小作坊", "网络餐饮", "冷链食品追溯", "学校食堂",
              "保健食品", "婴幼儿配方乳粉", "食用农产品"],
             ["许可", "登记", "抽检", "追溯", "备案", "检查", "召回", "处罚", "公示", "监测"],
             [("许可证编号", "xkzbh", "C", 30, 1, None, False), ("食品类别", "splb", "C", 50, 1, None, False),
              ("抽检结果", "cjjg", "C", 20, 2, None, False), ("批次号", "pch", "C", 30, 1, None, False),
              ("生产日期", "scrq", "D", None, 1, None, False), ("不合格项目", "bhgxm", "C", 200, 2, None, False),
              ("追溯码", "zsm", "C", 40, 2, None, False)]),
    "tax": ("基础/法人",
            ["纳税人", "增值税发票", "纳税信用等级", "欠税", "税收违法案件", "个人所得税", "社保费征收",
             "车船税", "契税", "印花税", "出口退税", "跨区域涉税事项"],
            ["登记", "申报", "缴纳", "评价", "公告", "查询", "开具", "核定", "退税", "清缴"],
            [("纳税人识别号", "nsrsbh", "C", 20, 2, None, False), ("纳税人名称", "nsrmc", "C", 200, 2, None, False),
             ("税种", "sz", "C", 10, 2, None, False), ("应纳税额", "ynse", "N", 18, 3, None, False),
             ("信用等级", "xydj", "C", 2, 2, None, False), ("发票代码", "fpdm", "C", 12, 3, None, False),
             ("所属期", "ssq", "C", 20, 2, None, False), ("欠税金额", "qsje", "N", 18, 3, None, False)]),
    "land": ("基础/自然资源和空间地理",
             ["不动产", "国有建设用地使用权", "宅基地", "农村集体土地", "土地供应", "国土空间规划",
              "矿业权", "耕地保护", "测绘资质", "永久基本农田", "地质灾害隐患点", "用地预审"],
             ["登记", "出让", "审批", "抵押", "查封", "确权", "核查", "公示", "备案", "变更"],
             [("不动产单元号", "bdcdyh", "C", 28, 3, None, False), ("不动产权证号", "bdcqzh", "C", 50, 3, None, False),
              ("权利人", "qlr", "C", 200, 3, P, False), ("宗地面积", "zdmj", "N", 15, 2, None, False),
              ("土地用途", "tdyt", "C", 50, 1, None, False), ("坐落", "zl", "C", 200, 2, None, False),
              ("抵押金额", "dyje2", "N", 18, 3, None, False), ("图斑编号", "tbbh", "C", 30, 2, None, False),
              ("空间坐标", "kjzb", "M", None, 4, None, False)]),
    "geo": ("基础/自然资源和空间地理",
            ["基础测绘", "卫星遥感影像", "数字高程模型", "地理实体", "三维实景", "行政区划界线", "门牌地址",
             "兴趣点", "电子地图", "天地图"],
            ["成果", "更新", "生产", "汇交", "服务", "发布", "核查", "编制"],
            [("图幅号", "tfh", "C", 20, 2, None, False), ("比例尺", "blc", "C", 10, 1, None, False),
             ("影像分辨率", "yxfbl", "N", 6, 2, None, False), ("采集时间", "cjsj", "T", None, 1, None, False),
             ("几何坐标", "jhzb", "M", None, 3, None, False), ("要素编码", "ysbm", "C", 20, 1, None, False),
             ("门牌号", "mph", "C", 50, 2, None, False)]),
    "housing": ("主题/城乡建设",
                ["商品房预售", "商品房网签备案", "存量房交易", "住房租赁", "公共租赁住房", "物业服务企业",
                 "房屋安全鉴定", "城镇老旧小区改造", "保障性住房", "历史建筑"],
                ["许可", "备案", "登记", "配租", "鉴定", "核验", "审批", "监管", "资格审核", "改造"],
                [("房屋坐落", "fwzl", "C", 200, 3, None, False), ("建筑面积", "jzmj", "N", 12, 2, None, False),
                 ("合同编号", "htbh", "C", 30, 3, None, False), ("成交价格", "cjjg2", "N", 18, 3, None, False),
                 ("承租人", "czr", "C", 50, 3, P, False), ("项目名称", "xmmc", "C", 200, 1, None, False),
                 ("预售许可证号", "ysxkzh", "C", 30, 1, None, False)]),
    "construction": ("部门",
                     ["建筑施工企业资质", "建设工程规划许可", "施工许可", "工程质量监督", "建筑工人实名制",
                      "安全生产许可", "竣工验收", "注册建造师", "建设工程消防验收", "装配式建筑"],
                     ["许可", "备案", "审批", "登记", "检查", "验收", "核准", "注册", "公示", "监管"],
                     [("工程名称", "gcmc", "C", 200, 1, None, False), ("施工单位", "sgdw", "C", 200, 1, None, False),
                      ("资质等级", "zzdj", "C", 20, 1, None, False), ("证书编号", "zsbh", "C", 30, 1, None, False),
                      ("工程造价", "gczj", "N", 18, 2, None, False), ("开工日期", "kgrq", "D", None, 1, None, False),
                      ("考勤记录", "kqjl", "M", None, 3, P, False)]),
    "transport": ("部门",
                  ["道路运输经营", "道路运输从业人员", "网络预约出租汽车", "巡游出租汽车", "公交线路",
                   "港口经营", "船舶", "公路路网", "超限运输", "客运站", "城市轨道交通", "共享单车"],
                  ["许可", "备案", "登记", "检测", "运行监测", "审批", "考核", "年审", "变更", "调度"],
                  [("道路运输证号", "dlyszh", "C", 20, 2, None, False), ("从业资格证号", "cyzgzh", "C", 20, 3, P, False),
                   ("线路名称", "xlmc", "C", 100, 1, None, False), ("船舶识别号", "cbsbh", "C", 20, 2, None, False),
                   ("车辆定位", "cldw", "M", None, 4, None, False), ("客流量", "kll", "N", 10, 2, None, False),
                   ("营运状态", "yyzt", "C", 2, 1, None, False)]),
    "agri": ("部门",
             ["农药经营", "兽药", "种子生产经营", "动物防疫", "农机购置补贴", "家庭农场", "耕地地力保护补贴",
              "农产品质量安全", "渔船", "高标准农田", "农村承包土地", "生猪屠宰"],
             ["许可", "登记", "检疫", "补贴发放", "备案", "监测", "确权", "认定", "核查", "追溯"],
             [("经营主体名称", "jyztmc", "C", 200, 1, None, False), ("补贴金额", "btje", "N", 12, 2, P, False),
              ("种植面积", "zzmj", "N", 12, 1, None, False), ("检疫证明编号", "jyzmbh", "C", 30, 1, None, False),
              ("渔船编号", "ycbh", "C", 20, 2, None, False), ("承包地块编码", "cbdkbm", "C", 30, 2, None, False)]),
    "water": ("部门",
              ["取水许可", "河道采砂", "水库", "河湖长制", "水土保持", "农村供水工程", "水文监测站",
               "防汛抗旱", "水利工程", "入河排污口"],
              ["许可", "监测", "登记", "巡查", "审批", "备案", "调度", "验收", "预警", "统计"],
              [("取水量", "qsl", "N", 12, 2, None, False), ("水位", "sw", "N", 8, 2, None, False),
               ("测站编码", "czbm", "C", 20, 1, None, False), ("河流名称", "hlmc", "C", 100, 1, None, False),
               ("降雨量", "jyl", "N", 8, 1, None, False), ("库容", "kr", "N", 12, 2, None, False)]),
    "env": ("主题/生态环保",
            ["排污许可", "环境影响评价", "空气质量", "重点排污单位", "危险废物", "固体废物", "辐射安全许可",
             "地表水水质", "土壤污染", "机动车尾气检测", "噪声监测", "生态环境执法", "碳排放"],
            ["许可", "审批", "监测", "登记", "备案", "转移联单", "处罚", "核查", "公开", "评价"],
            [("排污许可证编号", "pwxkzbh", "C", 30, 1, None, False), ("监测点位", "jcdw", "C", 100, 1, None, False),
             ("污染物名称", "wrwmc", "C", 100, 1, None, False), ("排放浓度", "pfnd", "N", 10, 2, None, False),
             ("空气质量指数", "kqzlzs", "N", 4, 1, None, False), ("废物代码", "fwdm", "C", 20, 2, None, False),
             ("监测时间", "jcsj", "T", None, 1, None, False), ("碳排放量", "tpfl", "N", 15, 3, None, False)]),
    "emergency": ("主题/应急维稳",
                  ["应急预案", "应急物资储备", "避难场所", "自然灾害", "救援队伍", "灾情", "防汛物资",
                   "森林火灾", "地震", "应急值守"],
                  ["备案", "储备", "监测", "报送", "调度", "评估", "演练", "登记", "统计", "预警"],
                  [("预案名称", "yamc", "C", 200, 1, None, False), ("物资名称", "wzmc", "C", 100, 2, None, False),
                   ("储备数量", "cbsl", "N", 10, 3, None, False), ("受灾人口", "szrk", "N", 10, 3, None, False),
                   ("经济损失", "jjss", "N", 18, 3, None, False), ("场所位置", "csws", "C", 200, 2, None, False)]),
    "safety": ("主题/安全生产",
               ["危险化学品", "安全生产", "非煤矿山", "烟花爆竹经营", "工贸企业", "生产安全事故",
                "重大危险源", "安全生产标准化", "特种作业人员"],
               ["许可", "检查", "备案", "登记", "处罚", "调查", "评估", "监测", "认定", "培训"],
               [("企业名称", "qymc", "C", 200, 1, None, False), ("危险源等级", "wxydj", "C", 2, 4, None, False),
                ("隐患描述", "yhms", "C", 500, 3, None, False), ("事故等级", "sgdj", "C", 2, 3, None, False),
                ("死亡人数", "swrs", "N", 4, 3, None, False), ("许可证号", "xkzh", "C", 30, 1, None, False)]),
    "culture": ("部门",
                ["旅行社", "A级旅游景区", "星级饭店", "文物保护单位", "非物质文化遗产", "营业性演出",
                 "娱乐场所", "公共图书馆", "博物馆", "导游", "网络文化经营", "民宿"],
                ["许可", "备案", "登记", "评定", "审批", "公布", "检查", "统计", "监管", "认定"],
                [("景区名称", "jqmc", "C", 200, 1, None, False), ("等级", "dj", "C", 10, 1, None, False),
                 ("接待游客人次", "jdykrc", "N", 10, 1, None, False), ("导游证号", "dyzh", "C", 20, 2, P, False),
                 ("演出名称", "ycmc", "C", 200, 1, None, False), ("文物名称", "wwmc", "C", 200, 2, None, False)]),
    "finance": ("部门",
                ["财政预算", "政府采购", "非税收入", "财政专项资金", "政府债务", "国有资产", "惠民惠农补贴",
                 "会计从业人员", "财政票据", "部门决算"],
                ["编制", "执行", "公开", "拨付", "登记", "核算", "审核", "监管", "清查", "统计"],
                [("预算单位", "ysdw", "C", 200, 1, None, False), ("项目编码", "xmbm", "C", 30, 1, None, False),
                 ("金额", "je", "N", 18, 2, None, False), ("拨付日期", "bfrq", "D", None, 1, None, False),
                 ("票据号码", "pjhm", "C", 30, 2, None, False), ("资金用途", "zjyt", "C", 200, 1, None, False)]),
    "justice": ("部门",
                ["律师执业", "公证", "司法鉴定", "法律援助", "人民调解", "社区矫正", "行政复议",
                 "法律职业资格", "仲裁", "基层法律服务"],
                ["登记", "许可", "办理", "受理", "备案", "审查", "年度考核", "公示", "变更", "注销"],
                [("律师事务所名称", "lsswsmc", "C", 200, 1, None, False), ("执业证号", "zyzh", "C", 20, 2, P, False),
                 ("公证书编号", "gzsbh", "C", 30, 3, P, False), ("受援人", "syr", "C", 50, 3, P, False),
                 ("调解结果", "tjjg", "C", 500, 3, None, False), ("矫正期限", "jzqx", "C", 20, 4, P, True)]),
    "medins": ("主题/健康保障",
               ["基本医疗保险", "城乡居民医疗保险", "医保结算", "定点医药机构", "异地就医", "门诊慢特病",
                "医保药品目录", "生育保险", "医疗救助", "长期护理保险"],
               ["参保", "结算", "备案", "登记", "待遇核定", "支付", "协议管理", "稽核", "审核", "报销"],
               [("医保编码", "ybbm", "C", 30, 3, P, False), ("结算金额", "jsje", "N", 12, 4, P, False),
                ("统筹支付", "tczf", "N", 12, 4, P, False), ("定点机构编码", "ddjgbm", "C", 30, 1, None, False),
                ("就医类别", "jylb", "C", 10, 4, P, True), ("药品编码", "ypbm", "C", 30, 1, None, False)]),
    "stats": ("部门",
              ["国民经济核算", "人口抽样调查", "规模以上工业", "固定资产投资", "居民消费价格", "农业普查",
               "经济普查", "名录库", "能源消费", "住户调查"],
              ["统计", "调查", "监测", "发布", "核算", "汇总", "普查", "报表"],
              [("统计指标", "tjzb", "C", 100, 1, None, False), ("指标值", "zbz", "N", 18, 2, None, False),
               ("统计期", "tjq", "C", 10, 1, None, False), ("调查对象", "dcdx", "C", 200, 2, None, False),
               ("行业代码", "hydm", "C", 10, 1, None, False)]),
    "forest": ("部门",
               ["林木采伐", "古树名木", "自然保护地", "野生动物", "林地", "林权", "松材线虫病", "湿地",
                "森林资源", "国家公园"],
               ["许可", "登记", "监测", "保护", "审批", "普查", "确权", "调查", "巡护", "认定"],
               [("树种", "sz2", "C", 50, 1, None, False), ("采伐蓄积", "cfxj", "N", 12, 2, None, False),
                ("古树编号", "gsbh", "C", 20, 1, None, False), ("保护等级", "bhdj", "C", 10, 2, None, False),
                ("林班号", "lbh", "C", 20, 2, None, False), ("物种名称", "wzmc2", "C", 100, 2, None, False)]),
    "commerce": ("部门",
                 ["对外贸易经营者", "外商投资企业", "单用途商业预付卡", "报废机动车回收", "成品油经营",
                  "拍卖企业", "商贸流通", "跨境电子商务", "二手车交易"],
                 ["备案", "许可", "登记", "统计", "监测", "审批", "核查", "年报", "公示"],
                 [("企业名称", "qymc", "C", 200, 1, None, False), ("进出口额", "jcke", "N", 18, 2, None, False),
                  ("备案编号", "babh", "C", 30, 1, None, False), ("预付卡发卡量", "yfkfkl", "N", 10, 2, None, False),
                  ("统计月份", "tjyf", "C", 7, 1, None, False)]),
    "credit": ("基础/社会信用",
               ["公共信用", "信用承诺", "信用修复", "联合奖惩", "守信激励", "失信惩戒", "信用评价",
                "行政许可和行政处罚双公示", "红黑名单", "信用报告"],
               ["归集", "公示", "评价", "修复", "核查", "报送", "查询", "监测", "认定", "共享"],
               [("统一社会信用代码", "tyshxydm", "C", 18, 1, None, False), ("主体名称", "ztmc", "C", 200, 1, None, False),
                ("信用等级", "xydj", "C", 2, 2, None, False), ("失信行为", "sxxw", "C", 500, 3, None, False),
                ("列入日期", "lrrq", "D", None, 2, None, False), ("修复状态", "xfzt", "C", 2, 2, None, False)]),
    "project": ("部门",
                ["投资项目", "企业投资项目核准", "政府投资项目", "重点建设项目", "价格监测", "节能审查",
                 "招标投标", "粮食储备"],
                ["审批", "核准", "备案", "监测", "评估", "登记", "调度", "公示"],
                [("项目代码", "xmdm", "C", 24, 1, None, False), ("项目名称", "xmmc", "C", 200, 1, None, False),
                 ("总投资", "ztz", "N", 18, 2, None, False), ("建设地点", "jsdd", "C", 200, 1, None, False),
                 ("审批结果", "spjg", "C", 20, 1, None, False)]),
    "industry": ("部门",
                 ["工业企业", "专精特新中小企业", "高新技术企业", "工业互联网", "5G基站", "两化融合",
                  "工业用电", "软件企业"],
                 ["认定", "监测", "统计", "登记", "评估", "备案", "申报"],
                 [("企业名称", "qymc", "C", 200, 1, None, False), ("产值", "cz", "N", 18, 2, None, False),
                  ("用电量", "ydl", "N", 15, 2, None, False), ("认定年度", "rdnd", "C", 4, 1, None, False),
                  ("基站位置", "jzwz", "C", 200, 3, None, False)]),
    "science": ("部门",
                ["科技计划项目", "科技成果", "技术合同", "科技型中小企业", "科研机构", "科技人才",
                 "实验动物许可"],
                ["立项", "登记", "认定", "评价", "备案", "验收", "许可"],
                [("项目编号", "xmbh", "C", 30, 1, None, False), ("承担单位", "cddw", "C", 200, 1, None, False),
                 ("经费", "jf", "N", 15, 2, None, False), ("成果名称", "cgmc", "C", 200, 1, None, False)]),
    "sport": ("部门",
              ["体育场馆", "社会体育指导员", "体育赛事", "高危险性体育项目", "全民健身设施", "运动员注册"],
              ["登记", "许可", "备案", "认定", "统计", "开放"],
              [("场馆名称", "cgmc2", "C", 200, 1, None, False), ("赛事名称", "ssmc", "C", 200, 1, None, False),
               ("运动员姓名", "ydyxm", "C", 50, 3, P, False), ("开放时间", "kfsj", "C", 100, 1, None, False)]),
    "veteran": ("部门",
                ["退役军人", "优抚对象", "烈士", "军休干部", "退役军人就业创业", "光荣牌"],
                ["登记", "认定", "抚恤", "优待", "安置", "褒扬", "悬挂"],
                [("退役时间", "tysj", "D", None, 3, P, False), ("优抚类别", "yflb", "C", 10, 4, P, True),
                 ("抚恤金额", "fxje", "N", 12, 4, P, False), ("服役部队", "fybd", "C", 200, 5, P, True)]),
    "fire": ("主题/应急维稳",
             ["消防安全重点单位", "消防设施", "火灾", "消防监督检查", "公众聚集场所", "消防救援站"],
             ["检查", "备案", "登记", "统计", "许可", "调查", "处罚", "演练"],
             [("单位名称", "dwmc", "C", 200, 1, None, False), ("火灾地点", "hzdd", "C", 200, 2, None, False),
              ("起火原因", "qhyy", "C", 200, 2, None, False), ("检查结果", "jcjg", "C", 200, 1, None, False)]),
    "weather": ("部门",
                ["气象观测", "天气预报", "气象灾害预警", "雷电防护", "人工影响天气", "农业气象"],
                ["观测", "发布", "预警", "检测", "许可", "服务"],
                [("站点编号", "zdbh", "C", 10, 1, None, False), ("气温", "qw", "N", 5, 1, None, False),
                 ("降水量", "jsl", "N", 6, 1, None, False), ("风速", "fs", "N", 5, 1, None, False),
                 ("预警级别", "yjjb", "C", 10, 1, None, False)]),
    "drug": ("主题/食品药品安全",
             ["药品生产", "药品经营", "医疗器械", "化妆品", "药品不良反应", "疫苗追溯", "执业药师"],
             ["许可", "备案", "注册", "监测", "抽检", "追溯", "检查"],
             [("药品名称", "ypmc", "C", 200, 1, None, False), ("批准文号", "pzwh", "C", 30, 1, None, False),
              ("生产企业", "scqy", "C", 200, 1, None, False), ("不良反应描述", "blfyms", "C", 500, 4, P, True)]),
    "fund": ("主题/社会保障",
             ["住房公积金", "公积金贷款", "公积金提取", "缴存单位"],
             ["缴存", "提取", "贷款", "登记", "转移", "核定"],
             [("公积金账号", "gjjzh", "C", 20, 4, P, False), ("缴存基数", "jcjs", "N", 12, 4, P, False),
              ("账户余额", "zhye", "N", 12, 4, P, False), ("贷款金额", "dkje", "N", 12, 4, P, False)]),
    "archive": ("部门",
                ["档案", "电子档案", "婚姻档案", "土地档案", "开放档案"],
                ["移交", "查阅", "利用", "鉴定", "数字化"],
                [("档号", "dh", "C", 50, 1, None, False), ("题名", "tm", "C", 200, 1, None, False),
                 ("保管期限", "bgqx", "C", 10, 1, None, False), ("形成时间", "xcsj", "D", None, 1, None, False)]),
    "border": ("部门",
               ["出入境证件", "外国人居留", "往来港澳通行证", "出入境记录", "口岸"],
               ["签发", "签注", "登记", "查验", "许可"],
               [("证件号码", "zjhm", "C", 30, 4, P, False), ("出入境日期", "crjrq", "D", None, 4, P, False),
                ("口岸名称", "kamc", "C", 100, 1, None, False), ("国籍", "gj", "C", 3, 3, P, False)]),
    "customs": ("部门",
                ["进出口货物报关", "海关企业信用", "跨境电商零售进口", "进口食品检验检疫", "保税监管"],
                ["申报", "查验", "放行", "认证", "备案", "统计"],
                [("报关单号", "bgdh", "C", 18, 2, None, False), ("商品编码", "spbm", "C", 10, 1, None, False),
                 ("货值", "hz", "N", 18, 2, None, False), ("原产国", "ycg", "C", 3, 1, None, False)]),
    "post": ("部门",
             ["快递业务经营", "邮政普遍服务", "快递末端网点", "寄递安全"],
             ["许可", "备案", "检查", "统计"],
             [("网点名称", "wdmc", "C", 200, 1, None, False), ("业务量", "ywl", "N", 12, 1, None, False),
              ("许可证编号", "xkzbh", "C", 30, 1, None, False)]),
    "procure": ("部门",
                ["工程建设项目招标", "政府采购项目", "国有产权交易", "土地使用权出让交易", "评标专家"],
                ["公告", "交易", "开标", "评标", "公示", "登记"],
                [("项目编号", "xmbh", "C", 30, 1, None, False), ("中标单位", "zbdw", "C", 200, 1, None, False),
                 ("中标金额", "zbje", "N", 18, 1, None, False), ("开标时间", "kbsj", "T", None, 1, None, False)]),
    "petition": ("主题/社区治理",
                 ["信访事项", "12345政务服务便民热线", "领导接访", "网上信访"],
                 ["受理", "办理", "督办", "回访", "登记", "评价"],
                 [("来访人", "lfr", "C", 50, 4, P, False), ("诉求内容", "sqnr", "M", None, 4, P, False),
                  ("办理结果", "bljg", "C", 500, 3, None, False), ("满意度", "myd", "C", 10, 2, None, False)]),
    "urban": ("主题/城乡建设",
              ["城市管理行政执法", "户外广告设施", "市政设施", "城市照明", "生活垃圾分类", "渣土运输",
               "城市道路挖掘", "共享单车停放", "窨井盖"],
              ["许可", "巡查", "处罚", "监测", "登记", "审批", "运维", "考核"],
              [("设施编号", "ssbh", "C", 30, 1, None, False), ("设施位置", "sswz", "C", 200, 2, None, False),
               ("案件来源", "ajly", "C", 20, 1, None, False), ("处置结果", "czjg", "C", 200, 1, None, False),
               ("垃圾清运量", "ljqyl", "N", 10, 1, None, False)]),
}
# Fields any resource may carry, the most common first.
COMMON_FIELDS = [
    ("统一社会信用代码", "tyshxydm", "C", 18, 1, None, False),
    ("行政区划代码", "xzqhdm", "C", 6, 1, None, False),
    ("更新时间", "gxsj", "T", None, 1, None, False),
    ("数据来源", "sjly", "C", 100, 1, None, False),
    ("登记日期", "djrq", "D", None, 1, None, False),
    ("状态", "zt", "C", 2, 1, None, False),
    ("备注", "bz", "C", 500, 1, None, False),
    ("经办机构", "jbjg", "C", 200, 1, None, False),
    ("联系电话", "lxdh", "C", 20, 3, P, False),
    ("办理人", "blr", "C", 50, 2, P, False),
    ("有效期至", "yxqz", "D", None, 1, None, False),
    ("经度", "jd", "N", 12, 2, None, False),
    ("纬度", "wd", "N", 12, 2, None, False),
    ("附件", "fj", "G", None, 2, None, False),
]
SUFFIXES = ["信息", "信息", "信息", "信息", "数据", "记录", "台账", "名录", "清单", "目录", "统计",
            "报表", "明细", "档案", "证照信息", "电子证照", "结果信息", "信息库", "专题库", "月报"]
PREFIXES = ["", "", "", "", "", "全省", "全市", "市级", "县级", "重点", "年度", "历史", "实时",
            "电子", "网上", "城乡", "乡镇（街道）", "跨省通办", "一件事", "长三角"]
ACTIVITIES = ["日常监管", "政务服务事项办理", "行政许可审批", "行政执法检查", "统计调查", "业务管理",
              "公共服务", "专项整治", "日常巡查", "窗口受理"]
USES = ["用于政务服务事项办理中的材料免提交和证明减免",
        "支撑跨部门联合监管和协同执法",
        "用于一网通办身份核验和信息预填",
        "服务基层治理和网格化管理",
        "支撑应急指挥调度和风险研判",
        "用于信用评价和联合奖惩",
        "支撑领导决策和统计分析",
        "用于惠企政策精准推送和免申即享",
        "支撑城市运行管理中心的实时监测",
        "用于一网统管的事件分拨和闭环处置",
        "支撑社会救助对象的精准识别和动态管理",
        "用于不动产登记、公积金贷款等高频事项的一件事联办",
        "支撑双随机一公开抽查和信用分级分类监管",
        "用于民生补贴的发放核对和防止重复领取"]
# English in summaries: (text, probability). Prefix queries use some of them.
ENGLISH = [("通过 API 接口按需调用", 0.12), ("支持批量导出为 CSV 和 JSON 格式", 0.05),
           ("提供 GIS 空间查询和 GeoJSON 图层", 0.025), ("附件经 OCR 识别后结构化", 0.02),
           ("来自 IoT 物联网感知设备", 0.012), ("已接入 dashboard 驾驶舱展示", 0.008),
           ("按 open data 规范向社会开放", 0.006), ("关键操作上链存证（blockchain）", 0.003),
           ("融合 satellite remote sensing 卫星遥感数据", 0.0015), ("采用 OFD 版式文件归档", 0.01),
           ("提供 WMS/WFS 地图服务", 0.006)]
FORMATS = ["数据库", "数据库", "数据库", "接口", "接口", "数据库/接口", "电子文件", "XLSX", "PDF", "OFD",
           "图片", "视频", "GeoJSON", "Shapefile", "XML"]
LAWS = ["中华人民共和国数据安全法", "中华人民共和国个人信息保护法", "中华人民共和国政府信息公开条例",
        "中华人民共和国行政许可法", "中华人民共和国社会保险法", "中华人民共和国道路交通安全法",
        "中华人民共和国土地管理法", "中华人民共和国环境保护法", "中华人民共和国安全生产法",
        "中华人民共和国统计法", "政务信息资源共享管理暂行办法", "青岚省公共数据条例"]
CONDITIONS = ["仅限履行法定职责的政务部门按需调用，不得批量下载", "须经提供方审核同意，按次核验",
              "仅提供核验结果（是/否），不提供明细", "按季度批量交换，使用部门须签订数据安全承诺书",
              "涉及个人信息的字段按最小必要原则脱敏后提供", "仅限本省政务服务场景使用"]
OPEN_CONDITIONS = ["经申请审核后通过开放平台提供", "仅向科研机构开放统计汇总数据", "签订开放利用协议后提供"]
CYCLES = [("实时", 10), ("每日", 30), ("每周", 8), ("每月", 20), ("每季度", 10), ("每半年", 5), ("每年", 12),
          ("其他", 5)]
GRADES = ["一般1级", "一般2级", "一般3级", "一般4级", "重要"]
CLASS_OF_TYPE = {"基础": 1, "主题": 2, "部门": 3}


def zipf_weights(n, s=1.1):
    return [1.0 / (i + 1) ** s for i in range(n)]


class Picker:
    """Weighted choice with cumulative weights, Zipf by list position."""

    def __init__(self, rng, items, s=1.1, weights=None):
        self.rng, self.items = rng, list(items)
        w = weights or zipf_weights(len(self.items), s)
        self.cum = list(itertools.accumulate(w))

    def __call__(self):
        return self.items[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]


def providers():
    """[(code, name, level, division, kind, parent, domains)], parents first."""
    out = [("ql.gov", "青岚省人民政府", "province", "330000", "other", "", [])]
    for code, name, domains in PROVINCE:
        kind = "supervision" if code == "ql.scjg" else "department"
        out.append((code, name, "province", "330000", kind, "ql.gov", domains))
    for short, city, division in CITIES:
        gov = "ql.%s.gov" % short
        out.append((gov, city + "人民政府", "city", division, "other", "ql.gov", []))
        for code, name, domains in CITY_BUREAUS:
            out.append(("ql.%s.%s" % (short, code), city + name, "city", division,
                        "supervision" if code == "scjg" else "department", gov, domains))
    return out


def field_rows(rng, domain, n_fields, common_pick):
    """n_fields distinct fields: mostly the domain's, some common ones."""
    _, _, _, own = DOMAINS[domain]
    own_pick = Picker(rng, own, s=0.8)
    chosen, names, cols = [], set(), set()
    tries = 0
    while len(chosen) < n_fields and tries < 200:
        tries += 1
        f = common_pick() if rng.random() < 0.4 else own_pick()
        if f[0] in names or f[1] in cols:
            continue
        names.add(f[0])
        cols.add(f[1])
        chosen.append(f)
    return chosen


def describe(rng, field, subject):
    name = field[0]
    r = rng.random()
    if r < 0.35:
        return "%s的%s" % (subject, name)
    if r < 0.55:
        return "登记的%s" % name
    if r < 0.7:
        return "按国家标准填写的%s" % name
    if r < 0.8:
        return "%s，为空表示未采集" % name
    if r < 0.9:
        return "业务系统记录的%s" % name
    return ""


def generate(count, seed):
    rng = random.Random(seed)
    provs = [p for p in providers() if p[6]]
    orgs = providers()
    # Providers' sizes vary (Zipf, flattened): big departments hold more.
    prov_pick = Picker(rng, provs, s=0.6)
    common_pick = Picker(rng, COMMON_FIELDS, s=0.9)
    suffix_pick = Picker(rng, SUFFIXES, s=0.5)
    prefix_pick = Picker(rng, PREFIXES, s=0.3)
    activity_pick = Picker(rng, ACTIVITIES, s=0.8)
    use_pick = Picker(rng, USES, s=0.9)
    format_pick = Picker(rng, FORMATS, s=0.9)
    law_pick = Picker(rng, LAWS, s=0.8)
    cycle_pick = Picker(rng, [c for c, _ in CYCLES], weights=[w for _, w in CYCLES])
    subj_picks = {d: Picker(rng, v[1], s=1.15) for d, v in DOMAINS.items()}
    obj_picks = {d: Picker(rng, v[2], s=1.0) for d, v in DOMAINS.items()}
    domain_index = {d: i + 1 for i, d in enumerate(DOMAINS)}
    prov_index = {p[0]: i + 1 for i, p in enumerate(orgs)}
    seq = {}
    codes = []
    resources = []  # (rows, searchable text, provider, type, grade, sharing, cycle)
    for _ in range(count):
        pcode, pname, _, _, _, _, domains = prov_pick()
        domain = domains[0] if len(domains) == 1 or rng.random() < 0.6 else domains[1]
        rtype, subjects, objects, _ = DOMAINS[domain]
        subject, obj = subj_picks[domain](), obj_picks[domain]()
        name = prefix_pick() + subject + obj + suffix_pick()
        if rng.random() < 0.08:
            name = "%d年度%s" % (rng.randrange(2015, 2025), name)
        name = name[:100]
        fields = field_rows(rng, domain, rng.randint(5, 10), common_pick)
        grades = []
        sensitive = False
        for f in fields:
            g = f[4]
            if rng.random() < 0.15:  # departments grade the same field differently
                g = max(1, min(5, g + rng.choice((-1, 1))))
            grades.append(g)
            sensitive = sensitive or f[6]
        rank = max(grades)
        sample = "、".join(f[0] for f in fields[:rng.randint(2, 4)])
        summary = "%s在%s中形成的%s%s信息，包括%s等%d个信息项，%s。" % (
            pname, activity_pick(), subject, obj, sample, len(fields), use_pick())
        for text, p in ENGLISH:
            if rng.random() < p:
                summary += text + "。"
        r = rng.random()
        sharing = "无条件共享" if r < 0.45 else "有条件共享" if r < 0.9 else "不予共享"
        if sensitive and sharing == "无条件共享":
            sharing = "有条件共享"
        condition = CONDITIONS[rng.randrange(len(CONDITIONS))] if sharing == "有条件共享" else ""
        basis = "" if sharing == "无条件共享" else "《%s》第%d条" % (law_pick(), rng.randint(2, 60))
        method = "" if sharing == "不予共享" else rng.choice(
            ["共享平台"] * 6 + ["系统对接"] * 3 + ["介质交换", "其他"])
        r = rng.random()
        open_type, open_cond = "不予开放", ""
        if r < 0.12 and rank <= 2 and not sensitive:
            open_type = "无条件开放"
        elif r < 0.25 and rank <= 3 and not sensitive:
            open_type, open_cond = "有条件开放", OPEN_CONDITIONS[rng.randrange(len(OPEN_CONDITIONS))]
        cls = CLASS_OF_TYPE[rtype.split("/")[0]]
        sub = "" if rng.random() < 0.5 else "%02d" % rng.randint(1, 99)
        front = "%d%02d%03d%s" % (cls, domain_index[domain] % 100, prov_index[pcode], sub)
        seq[front] = seq.get(front, 0) + 1
        code = "%s/%06d" % (front, seq[front])
        related = ""
        if codes and rng.random() < 0.1:
            related = ";".join(sorted({codes[rng.randrange(len(codes))] for _ in range(rng.randint(1, 2))}))
        codes.append(code)
        grade = GRADES[rank - 1]
        rows = []
        texts = [name, summary, pname]
        for i, (f, g) in enumerate(zip(fields, grades)):
            fname, col, dtype, length, _, personal, sens = f
            desc = describe(rng, f, subject)
            texts += [fname, desc]
            head = [code, name, pcode, summary, rtype, format_pick(), sharing, condition, basis, method,
                    open_type, open_cond, "", cycle_pick(), grade, related] if i == 0 else [code] + [""] * 15
            rows.append(head + [fname, col, dtype, "" if length is None else str(length), desc, "",
                                GRADES[g - 1], "是" if personal or sens else "否", "是" if sens else "否",
                                "是" if i == 0 and col in ("gmsfhm", "tyshxydm") else "否"])
        resources.append((rows, "\n".join(texts), pcode, rtype, grade, sharing, rows[0][13]))
    return orgs, resources


HEADER = ["资源代码", "资源名称", "提供方代码", "资源摘要", "资源类型", "资源格式", "共享类型", "共享条件",
          "共享依据", "共享方式", "开放类型", "开放条件", "开放批准", "更新周期", "资源分级", "关联资源代码",
          "信息项名称", "字段名", "数据类型", "长度", "信息项描述", "数据元", "信息项分级", "个人信息",
          "敏感个人信息", "主键"]


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def candidate_words():
    """Chinese words of 2-4 characters from the vocabulary, in a fixed order."""
    seen, out = set(), []
    lists = [SUFFIXES, PREFIXES]
    for _, subjects, objects, fields in DOMAINS.values():
        lists += [subjects, objects, [f[0] for f in fields]]
    lists.append([f[0] for f in COMMON_FIELDS])
    for words in lists:
        for w in words:
            for run in CJK.findall(w):
                if 2 <= len(run) <= 4 and run not in seen:
                    seen.add(run)
                    out.append(run)
    return out


def pick_queries(resources):
    """About 50 search paths, each with a class and how many resources match."""
    texts = [r[1] for r in resources]
    n = len(texts)
    words = candidate_words()
    # Estimate frequencies on a sample, then count exactly for the chosen ones.
    sample = texts if n <= 5000 else [texts[i] for i in range(0, n, n // 5000)]
    est = {w: sum(w in t for t in sample) / len(sample) for w in words}
    wanted = {"high": (0.3, 3), "medium": (0.01, 3), "low": (0.0002, 2)}
    chosen = []
    for length in (2, 3, 4):
        pool = [w for w in words if len(w) == length and est[w] > 0]
        for cls, (target, k) in wanted.items():
            if cls == "low":  # rare: still present, but in few resources
                pool_c = [w for w in pool if est[w] <= 0.002] or pool
            else:
                pool_c = pool
            ranked = sorted(pool_c, key=lambda w: (abs(math.log(est[w] / target)), w))
            if cls == "high" and length == 2:
                ranked = ["信息"] + [w for w in ranked if w != "信息"]
            chosen += [("%s-%d" % (cls, length), w) for w in ranked[:k]]
    exact = {w: sum(w in t for t in texts) for _, w in chosen}

    def df_words(prefix):  # resources with an English word starting with prefix
        pat = re.compile(r"(?<![0-9a-z])" + re.escape(prefix), re.I)
        return sum(1 for t in texts if pat.search(t))

    q = []

    def add(cls, df, **params):
        q.append((cls, df, "/v1/catalog/search?" + urllib.parse.urlencode(params)))

    for cls, w in chosen:
        add(cls, exact[w], q=w)
    for w in ["api", "gis", "ocr", "blockchain"]:
        add("english", df_words(w), q=w)
    for w in ["geo", "dash", "sat"]:
        add("prefix", df_words(w), q=w)
    add("mixed", sum("身份" in t and re.search(r"(?i)\bapi", t) is not None for t in texts), q="身份 API")
    add("single-char", sum("证" in t for t in texts), q="证")
    # Filters, with and without text. The biggest provider, a type, a grade...
    by_provider = {}
    for r in resources:
        by_provider[r[2]] = by_provider.get(r[2], 0) + 1
    big = max(sorted(by_provider), key=lambda p: by_provider[p])
    hi = chosen[0][1]
    med = next(w for c, w in chosen if c == "medium-3")
    med_by = {}
    for r in resources:
        if med in r[1]:
            med_by[r[2]] = med_by.get(r[2], 0) + 1
    small = max(sorted(med_by), key=lambda p: med_by[p]) if med_by else big

    def df_filter(word, pred):
        return sum(1 for r in resources if (word is None or word in r[1]) and pred(r))

    add("filter", df_filter(hi, lambda r: r[2] == big), q=hi, provider=big)
    add("filter", df_filter(med, lambda r: r[2] == small), q=med, provider=small)
    add("filter", df_filter("登记", lambda r: r[3] == "基础/法人"), q="登记", type="basic.legal_entity")
    add("filter", df_filter(hi, lambda r: r[4] == "一般3级"), q=hi, grade="general-3")
    add("filter", df_filter(med, lambda r: r[5] == "有条件共享"), q=med, sharing="conditional")
    add("filter", df_filter("信用", lambda r: r[6] == "每日"), q="信用", cycle="daily")
    add("filter", df_filter(hi, lambda r: r[3] == "主题/社会保障" and r[6] == "每月"), q=hi,
        type="theme.social_security", cycle="monthly")
    add("no-text", df_filter(None, lambda r: r[2] == big), provider=big)
    add("no-text", df_filter(None, lambda r: r[3] == "主题/生态环保" and r[6] == "实时"),
        type="theme.environment", cycle="realtime")
    add("no-text", n)
    # Deep pages.
    add("deep", exact[hi], q=hi, offset=5000)
    add("deep", exact[hi], q=hi, offset=10000, limit=100)
    add("deep", exact[med], q=med, offset=100)
    add("deep", n, offset=10000)
    add("limit-100", exact[chosen[1][1]], q=chosen[1][1], limit=100)
    return q


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20240601)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    orgs, resources = generate(a.count, a.seed)
    with open(os.path.join(a.out, "orgs.tsv"), "w", encoding="utf-8") as f:
        for o in orgs:
            f.write("\t".join(o[:6]) + "\n")
    n_rows = 0
    with open(os.path.join(a.out, "catalog.csv"), "w", encoding="utf-8", newline="") as f, \
            open(os.path.join(a.out, "baseline.sql"), "w", encoding="utf-8") as s:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        s.write("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n")
        s.write("CREATE TABLE catalog_rows (%s);\n" % ", ".join("c%d TEXT" % i for i in range(len(HEADER))))
        s.write("BEGIN;\n")
        for rows, *_ in resources:
            for row in rows:
                w.writerow(row)
                s.write("INSERT INTO catalog_rows VALUES (%s);\n" % ",".join(map(sql_text, row)))
                n_rows += 1
        s.write("COMMIT;\n")
    queries = pick_queries(resources)
    with open(os.path.join(a.out, "queries.tsv"), "w", encoding="utf-8") as f:
        for cls, df, path in queries:
            f.write("%s\t%d\t%s\n" % (cls, df, path))
    print("gen_catalog: %d resources, %d field rows, %d providers, %d queries in %s" % (
        len(resources), n_rows, len({r[2] for r in resources}), len(queries), a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
