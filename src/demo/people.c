/*
 * The demo's synthetic population: 100 000 fictional residents of 青岚省 in
 * households, and the records the province's departments hold about them.
 *
 * Everything is generated from a fixed seed (splitmix64), so every demo node
 * holds the same people, and everything is invented: the province, its cities,
 * districts, streets, schools, employers and hospitals. Names join common
 * surnames with given-name characters of the person's generation (a list of
 * well-known people's names is skipped). Identity numbers use real GB/T 2260
 * codes of Zhejiang (so that they check, as the demo's organisations do), a
 * real birth date and sequence, and the ISO 7064 MOD 11-2 check character; one
 * may by chance equal a real person's number, but nothing attached to it is
 * real. Mobile numbers are all in 139 0020 0000–139 0029 9999, next to the
 * demo organisations' 139 0000 0xxx.
 *
 * The data are as of 2025-12-31: nobody is born later, so the demo builds the
 * same node on any day. The oldest residents are born in MIN_BIRTH_YEAR.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "directory/directory.h"
#include "exchange/exchange.h"
#include "store/store.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define SEED 0x5152e5a1a9c0ffeeULL /* fixed: the same people on every node */
#define MIN_BIRTH_YEAR 1935
#define AS_OF_YEAR 2025 /* the data are as of 31 December */
#define CSV_MAX (256u * 1024 * 1024)

/* ---- a fixed-seed generator ------------------------------------------------ */

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

static bool chance(struct rng *r, uint32_t percent)
{
    return below(r, 100) < percent;
}

/* In [0, n), small values likelier (for surnames, ordered by frequency). */
static uint32_t skewed(struct rng *r, uint32_t n)
{
    uint64_t a = below(r, n), b = below(r, n);
    return (uint32_t)(a * b / n);
}

/* ---- dates: days since 1970-01-01, any year ---------------------------------- */

static int32_t day_of(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void ymd_of(int32_t day, int *y, int *m, int *d)
{
    int32_t z = day + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* The same date n years later (29 February becomes 28 February). */
static int32_t add_years(int32_t day, int n)
{
    int y, m, d;
    ymd_of(day, &y, &m, &d);
    return day_of(y + n, m, m == 2 && d == 29 ? 28 : d);
}

static int year_of(int32_t day)
{
    int y, m, d;
    ymd_of(day, &y, &m, &d);
    return y;
}

struct date_text {
    char s[11];
};

static struct date_text date_text(int32_t day)
{
    struct date_text t;
    int y, m, d;
    ymd_of(day, &y, &m, &d);
    (void)yw_fmt(t.s, sizeof(t.s), "%04d-%02d-%02d", y, m, d);
    return t;
}

/* ---- the fictional province ----------------------------------------------------- */

/* Districts of the demo's two cities: fictional names on real county codes
 * of Zhejiang (current in GB/T 2260), as demo.c does for the cities. */
static const struct district {
    const char *code, *city, *name;
    const char *towns[3]; /* 街道 are urban (flats), 镇 and 乡 rural */
    uint32_t weight;
} districts[] = {
    {"330102", "青川市", "临江区", {"城关街道", "望川街道", "江岸街道"}, 12},
    {"330105", "青川市", "北湖区", {"北湖街道", "梅园街道", "柳桥街道"}, 10},
    {"330106", "青川市", "西岭区", {"西岭街道", "翠峰街道", "石桥街道"}, 10},
    {"330108", "青川市", "云溪区", {"云溪街道", "新港街道", "观澜街道"}, 8},
    {"330109", "青川市", "东湾区", {"东湾街道", "盐仓镇", "沙洲镇"}, 9},
    {"330110", "青川市", "青山区", {"松林街道", "桃源镇", "青山镇"}, 8},
    {"330122", "青川市", "青溪县", {"城关镇", "白沙镇", "梅岭乡"}, 5},
    {"330127", "青川市", "岚湖县", {"城关镇", "枫林镇", "石门乡"}, 4},
    {"330203", "岚港市", "海岚区", {"海岚街道", "南门街道", "鼓楼街道"}, 9},
    {"330205", "岚港市", "江口区", {"江口街道", "渡口街道", "白帆街道"}, 6},
    {"330206", "岚港市", "东礁区", {"东礁街道", "金沙街道", "港湾街道"}, 6},
    {"330211", "岚港市", "镇澜区", {"镇澜街道", "澜湾街道", "海晏镇"}, 4},
    {"330212", "岚港市", "鹭湾区", {"鹭湾街道", "南湖街道", "文昌街道"}, 8},
    {"330225", "岚港市", "海屿县", {"城关镇", "渔港镇", "石屿乡"}, 3},
    {"330226", "岚港市", "望潮县", {"城关镇", "桃溪镇", "青屿乡"}, 3},
};

static const char *const roads[] = {
    "人民路", "解放路", "建设路",   "文化路",   "新华路", "和平路", "青年路", "学府路",
    "滨江路", "望湖路", "岚山路",   "港湾路",   "兴业街", "东风路", "长青路", "梧桐巷",
    "杏花巷", "桂花路", "青川大道", "岚港大道", "振兴路", "明珠路", "春晖路", "朝阳街",
};

static const char city_code[2][7] = {"330100", "330200"};

static int city_of(const struct district *d)
{
    return strcmp(d->city, "青川市") == 0 ? 0 : 1;
}

static bool urban(const char *town)
{
    return strstr(town, "街道") != NULL;
}

/* Surnames, roughly by frequency. */
static const char surnames[] =
    "王陈张李徐吴周林刘杨黄赵朱胡郑沈孙叶何金方俞钱马高罗潘蒋郭许施应汪梁谢宋唐韩冯邓曹"
    "彭曾肖田董袁蔡余杜程魏苏吕丁任卢姚钟姜崔谭陆范廖石贾夏付邹熊白孟秦邱侯江尹薛段雷龙"
    "黎史陶贺毛郝顾龚邵万严戴莫孔汤康易乔赖文洪柯庄章鲁岳翟殷詹申耿关兰焦左柳甘祝包宁尚"
    "舒阮纪梅童凌毕单季裴霍涂成苗谷盛曲翁骆蓝路游楼虞";

/* Given-name characters by generation and sex. */
static const char *const given[3][2] = {
    {"建国华明军平伟强勇德福林荣忠文斌海波刚峰志永春生东红卫新兵庆祥宏彬",
     "秀英兰芳珍凤梅丽华玉红萍霞燕娟敏琴静芬云艳桂莉雪娣"},
    {"伟磊杰涛斌超鹏辉飞鑫波宁健浩宇峰俊晨毅亮剑凯锋骏阳帆龙博文",
     "婷丽娜静敏燕琳颖慧倩怡欣璐佳雪晶丹蕾洁莹玲婕蓉瑶茜晓薇"},
    {"浩宇轩然博昊天俊晨睿泽航嘉子涵铭辰逸宸奕烨沐梓皓诚煜瑞翔",
     "梓涵诗琪梦晴悦妍瑶彤心语欣怡可萱雨芮婉汐思若一诺依琳菲"},
};

/* Names of well-known people the generator could otherwise produce. */
static const char *const famous[] = {
    "李强",   "王毅",   "李鹏",   "王刚",   "王勇",   "王晨",   "周强",   "马凯",   "杨晶",
    "董军",   "秦刚",   "朱德",   "陈云",   "陈毅",   "贺龙",   "雷锋",   "朱军",   "康辉",
    "曹建明", "胡春华", "曾庆红", "何卫东", "华国锋", "赵忠祥", "张国荣", "林俊杰", "王俊凯",
    "王健林", "马云",   "雷军",   "丁磊",   "张勇",   "王菲",   "李娜",   "刘翔",   "姚明",
    "李宁",   "刘涛",   "赵薇",   "邓超",   "张杰",   "黄磊",   "李晨",   "韩红",   "成龙",
    "周杰",   "吴磊",   "刘昊然", "赵丽颖", "章子怡", "徐静蕾", "宋佳",   "贾玲",   "谢娜",
    "汪涵",   "蔡明",   "倪萍",   "余华",   "马龙",   "林丹",   "朱婷",   "丁宁",   "陈梦",
    "马琳",   "王皓",   "邹凯",   "张怡宁", "宁泽涛", "李宇春", "刘敏涛", "袁家军", "张一山",
};

/* Ethnic groups (GB/T 3304), per ten thousand. */
static const struct {
    const char *code;
    uint32_t weight;
} nations[] = {{"01", 9750}, {"19", 80}, {"15", 50}, {"06", 40},
               {"03", 30},   {"08", 20}, {"02", 15}, {"09", 15}};

/* 与户主关系 (GB/T 4761-2008). */
enum relation { REL_HEAD, REL_SPOUSE, REL_SON, REL_DAUGHTER, REL_FATHER, REL_MOTHER };
static const char *const relation_code[] = {"02", "10", "20", "30", "51", "52"};

/* Employers of the insured: enterprises (91) and public institutions (12). */
static const char *const trade_names[] = {"望江", "云溪", "岚峰", "澄波", "鹭岛",
                                          "青禾", "松涛", "远帆", "星澜", "禾丰"};
static const char *const trades[] = {"电子科技有限公司", "机械制造有限公司", "物流有限公司",
                                     "食品有限公司",     "建设工程有限公司", "纺织有限公司",
                                     "软件有限公司",     "商贸有限公司"};
static const char *const institutions[] = {"第一人民医院", "中心医院", "第二中学",
                                           "实验小学",     "图书馆",   "疾病预防控制中心"};
#define N_ENTERPRISES 40
#define N_EMPLOYERS (N_ENTERPRISES + 2 * N_OF(institutions))

struct employer {
    char name[64];
    char uscc[19];
    uint8_t city;
    bool institution;
};

/* ---- people and households ------------------------------------------------------ */

struct person {
    char id[19];
    char name[16]; /* up to four characters */
    int32_t birth; /* day */
    int32_t married;
    int32_t spouse, mother, father; /* indexes; -1 none */
    uint32_t household;
    uint8_t sex; /* 1 male, 2 female (GB/T 2261.1) */
    uint8_t nation;
    uint8_t relation;
};

struct household {
    uint8_t district, town, road;
    uint16_t number, building, room;
};

struct population {
    struct rng rng;
    struct person *people;
    size_t n;
    struct household *households;
    size_t n_households;
    uint16_t *sequences; /* used sequence numbers per district, birth day and sex */
    int32_t first_day, n_days;
    char citizen[19];
    int32_t as_of;
    struct employer employers[N_EMPLOYERS];
};

static void make_name(struct population *p, const char *surname, size_t surname_len, int32_t birth,
                      int sex, char out[16])
{
    int year = year_of(birth);
    int era = year < 1980 ? 0 : year < 2000 ? 1 : 2;
    const char *pool = given[era][sex == 1 ? 0 : 1];
    uint32_t n = (uint32_t)(strlen(pool) / 3);
    uint32_t single = era == 0 ? 30 : era == 1 ? 18 : 8;
    for (;;) {
        uint32_t a = below(&p->rng, n), b = below(&p->rng, n);
        bool one = chance(&p->rng, single);
        if (!one && a == b)
            continue;
        (void)yw_fmt(out, 16, "%.*s%.3s%.*s", (int)surname_len, surname, pool + 3 * a, one ? 0 : 3,
                     pool + 3 * b);
        bool known = false;
        for (size_t i = 0; i < N_OF(famous) && !known; i++)
            known = strcmp(out, famous[i]) == 0;
        if (!known)
            return;
    }
}

static void random_surname(struct population *p, char out[4])
{
    uint32_t i = skewed(&p->rng, (uint32_t)(sizeof(surnames) - 1) / 3);
    memcpy(out, surnames + 3 * i, 3);
    out[3] = '\0';
}

/* The identity number of someone born in district on day: a sequence not
 * used yet for that day and sex, and the ISO 7064 MOD 11-2 check character. */
static int assign_id(struct population *p, size_t district, struct person *who, struct yw_err *err)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int32_t offset = who->birth - p->first_day;
    if (offset < 0 || offset >= p->n_days)
        return yw_err_set(err, YW_EINTERNAL, NULL, "birth day out of range");
    size_t slot = ((district * (size_t)p->n_days + (size_t)offset) << 1) | (who->sex == 1);
    uint32_t start = (uint32_t)((district * 7919u + (uint32_t)offset * 104729u) % 500u);
    int y, m, d;
    ymd_of(who->birth, &y, &m, &d);
    for (;;) {
        uint32_t n = p->sequences[slot]++;
        if (n >= 500)
            return yw_err_set(err, YW_EINTERNAL, NULL, "no sequence left");
        uint32_t seq = ((start + n) % 500u) * 2u + (who->sex == 1);
        (void)yw_fmt(who->id, sizeof(who->id), "%s%04d%02d%02d%03u", districts[district].code, y, m,
                     d, seq);
        int sum = 0;
        for (int i = 0; i < 17; i++)
            sum += (who->id[i] - '0') * weights[i];
        who->id[17] = "10X98765432"[sum % 11];
        who->id[18] = '\0';
        if (strcmp(who->id, p->citizen) != 0)
            return YW_OK;
    }
}

static uint8_t random_nation(struct population *p)
{
    uint32_t r = below(&p->rng, 10000);
    for (uint8_t i = 0; i < N_OF(nations); i++) {
        if (r < nations[i].weight)
            return i;
        r -= nations[i].weight;
    }
    return 0;
}

static struct person *add_person(struct population *p, uint32_t household, enum relation rel,
                                 int sex, int32_t birth)
{
    struct person *who = &p->people[p->n];
    *who = (struct person){.birth = birth,
                           .spouse = -1,
                           .mother = -1,
                           .father = -1,
                           .household = household,
                           .sex = (uint8_t)sex,
                           .relation = (uint8_t)rel};
    p->n++;
    return who;
}

static int32_t random_day(struct population *p, int32_t from, int32_t to)
{
    return to <= from ? from : from + (int32_t)below(&p->rng, (uint32_t)(to - from + 1));
}

static size_t random_district(struct population *p)
{
    uint32_t total = 0;
    for (size_t i = 0; i < N_OF(districts); i++)
        total += districts[i].weight;
    uint32_t r = below(&p->rng, total);
    for (size_t i = 0; i < N_OF(districts); i++) {
        if (r < districts[i].weight)
            return i;
        r -= districts[i].weight;
    }
    return 0;
}

/* One household: a head, often a spouse, their children under 24 and
 * sometimes a parent of the head; the first is the demo citizen's. */
static int add_household(struct population *p, struct yw_err *err)
{
    uint32_t h = (uint32_t)p->n_households++;
    bool first = h == 0;
    size_t district = first ? 0 : random_district(p);
    struct household *home = &p->households[h];
    home->district = (uint8_t)district;
    home->town = (uint8_t)below(&p->rng, 3);
    home->road = (uint8_t)below(&p->rng, N_OF(roads));
    home->number = (uint16_t)(1 + below(&p->rng, 398));
    bool flat = urban(districts[district].towns[home->town]);
    home->building = flat ? (uint16_t)(1 + below(&p->rng, 30)) : 0;
    home->room = flat ? (uint16_t)((1 + below(&p->rng, 26)) * 100 + 1 + below(&p->rng, 4)) : 0;

    const int32_t min_birth = day_of(MIN_BIRTH_YEAR, 1, 1);
    const size_t room = YW__DEMO_PEOPLE - p->n;
    size_t start = p->n;
    char surname[4], other[4];
    int rc;

    /* The head. */
    int sex = first ? 1 : chance(&p->rng, 55) ? 1 : 2;
    int32_t birth =
        first ? day_of(1990, 3, 7) : random_day(p, min_birth, day_of(AS_OF_YEAR - 24, 12, 31));
    struct person *head = add_person(p, h, REL_HEAD, sex, birth);
    head->nation = random_nation(p);
    random_surname(p, surname);
    if (first) {
        memcpy(surname, YW__DEMO_CITIZEN_NAME, 3);
        (void)yw_copy(head->name, sizeof(head->name), YW__DEMO_CITIZEN_NAME);
        (void)yw_copy(head->id, sizeof(head->id), p->citizen);
    } else {
        make_name(p, surname, 3, birth, sex, head->name);
        if ((rc = assign_id(p, district, head, err)) < 0)
            return rc;
    }
    size_t head_i = start;
    int age = AS_OF_YEAR - year_of(birth);

    /* A spouse, married once both were of age (men 22, women 20). */
    if (room >= 2 && (first || chance(&p->rng, age >= 28 ? 82 : 45))) {
        int32_t shift = (int32_t)below(&p->rng, 4 * 365);
        int32_t sb = sex == 1 ? birth + shift : birth - shift;
        if (sb < min_birth)
            sb = min_birth + (int32_t)below(&p->rng, 365);
        int32_t man = sex == 1 ? birth : sb, woman = sex == 1 ? sb : birth;
        int32_t of_age =
            add_years(man, 22) > add_years(woman, 20) ? add_years(man, 22) : add_years(woman, 20);
        int32_t married = of_age + (int32_t)below(&p->rng, 7 * 365);
        if (married < p->as_of - 30) {
            struct person *spouse = add_person(p, h, REL_SPOUSE, 3 - sex, sb);
            spouse->nation = random_nation(p);
            random_surname(p, other);
            make_name(p, other, 3, sb, 3 - sex, spouse->name);
            if ((rc = assign_id(p, district, spouse, err)) < 0)
                return rc;
            head->spouse = (int32_t)(head_i + 1);
            spouse->spouse = (int32_t)head_i;
            head->married = spouse->married = married;

            /* Children, born to the couple after the marriage, while the
             * mother was under 42; those 24 or older have left home. */
            size_t mother = sex == 2 ? head_i : head_i + 1, father = sex == 1 ? head_i : head_i + 1;
            /* Children by the mother's generation: cumulative percent for 0, 1, 2. */
            static const uint32_t cdf[3][3] = {{10, 80, 100}, {10, 65, 95}, {25, 75, 100}};
            int mother_year = year_of(p->people[mother].birth);
            const uint32_t *c = cdf[mother_year >= 1990 ? 2 : mother_year >= 1980 ? 1 : 0];
            uint32_t r = below(&p->rng, 100);
            int n_children = 0;
            while (n_children < 3 && r >= c[n_children])
                n_children++;
            int32_t when = married + 300 + (int32_t)below(&p->rng, 4 * 365);
            for (int k = 0; k < n_children && p->n < YW__DEMO_PEOPLE; k++) {
                if (when > p->as_of || when > add_years(p->people[mother].birth, 42))
                    break;
                if (when > add_years(p->as_of, -24)) {
                    int csex = chance(&p->rng, 51) ? 1 : 2;
                    struct person *child =
                        add_person(p, h, csex == 1 ? REL_SON : REL_DAUGHTER, csex, when);
                    child->nation = p->people[chance(&p->rng, 85) ? father : mother].nation;
                    child->mother = (int32_t)mother;
                    child->father = (int32_t)father;
                    const char *family = p->people[chance(&p->rng, 90) ? father : mother].name;
                    make_name(p, family, 3, when, csex, child->name);
                    if ((rc = assign_id(p, district, child, err)) < 0)
                        return rc;
                }
                when += 2 * 365 + (int32_t)below(&p->rng, 5 * 365);
            }
        }
    }

    /* Sometimes a parent of the head, when young enough to be listed. */
    if (p->n < YW__DEMO_PEOPLE && chance(&p->rng, 12)) {
        int32_t pb = add_years(p->people[head_i].birth, -24) - (int32_t)below(&p->rng, 10 * 365);
        if (pb >= min_birth) {
            int psex = chance(&p->rng, 45) ? 1 : 2;
            struct person *parent = add_person(p, h, psex == 1 ? REL_FATHER : REL_MOTHER, psex, pb);
            parent->nation = p->people[head_i].nation;
            if (psex == 1)
                make_name(p, surname, 3, pb, psex, parent->name);
            else {
                random_surname(p, other);
                make_name(p, other, 3, pb, psex, parent->name);
            }
            if ((rc = assign_id(p, district, parent, err)) < 0)
                return rc;
        }
    }
    return YW_OK;
}

static int make_employers(struct population *p, struct yw_err *err)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (size_t i = 0; i < N_EMPLOYERS; i++) {
        struct employer *e = &p->employers[i];
        char body[18];
        bool inst = i >= N_ENTERPRISES;
        size_t k = inst ? i - N_ENTERPRISES : i;
        e->institution = inst;
        e->city = (uint8_t)(inst ? k / N_OF(institutions) : k % 2);
        const char *city = e->city == 0 ? "青川" : "岚港";
        if (inst)
            (void)yw_fmt(e->name, sizeof(e->name), "%s市%s", city,
                         institutions[k % N_OF(institutions)]);
        else
            (void)yw_fmt(e->name, sizeof(e->name), "%s%s%s", city,
                         trade_names[(k / 2) % N_OF(trade_names)],
                         trades[(k * 3 + k / 10) % N_OF(trades)]);
        /* 12: 机构编制 + 事业单位; 91: 工商 + 企业. */
        (void)yw_fmt(body, sizeof(body), "%s%s%s%07zu", inst ? "12" : "91", city_code[e->city],
                     e->city == 0 ? "QC" : "LG", 1000 + i);
        e->uscc[0] = '\0';
        for (size_t c = 0; c < sizeof(alphabet) - 1 && !e->uscc[0]; c++) {
            (void)yw_fmt(e->uscc, sizeof(e->uscc), "%s%c", body, alphabet[c]);
            if (yw_id_check_uscc(yw_str_c(e->uscc), "uscc", NULL) != YW_OK)
                e->uscc[0] = '\0';
        }
        if (!e->uscc[0])
            return yw_err_set(err, YW_EINTERNAL, NULL, "no check character for %s", body);
    }
    return YW_OK;
}

static int generate(struct population *p, struct yw_err *err)
{
    p->rng.s = SEED;
    p->as_of = day_of(AS_OF_YEAR, 12, 31);
    p->first_day = day_of(MIN_BIRTH_YEAR, 1, 1);
    p->n_days = p->as_of - p->first_day + 1;
    p->people = calloc(YW__DEMO_PEOPLE, sizeof(*p->people));
    p->households = calloc(YW__DEMO_PEOPLE, sizeof(*p->households));
    p->sequences = calloc(N_OF(districts) * (size_t)p->n_days * 2, sizeof(*p->sequences));
    if (p->people == NULL || p->households == NULL || p->sequences == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    /* The demo citizen's number, with its check character. */
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (YW__DEMO_CITIZEN_BODY[i] - '0') * weights[i];
    (void)yw_fmt(p->citizen, sizeof(p->citizen), "%s%c", YW__DEMO_CITIZEN_BODY,
                 "10X98765432"[sum % 11]);
    int rc = make_employers(p, err);
    while (rc == YW_OK && p->n < YW__DEMO_PEOPLE)
        rc = add_household(p, err);
    return rc;
}

static void population_free(struct population *p)
{
    free(p->people);
    free(p->households);
    free(p->sequences);
}

/* ---- the records, as CSV ------------------------------------------------------------ */

/* One resource's load, on its own thread on PostgreSQL. */
struct load_job {
    struct yw_exchange *ex;
    const char *code, *title;
    struct yw_buf csv;
    size_t count;
    int rc;
    struct yw_err err;
};

static void *run_load(void *arg)
{
    struct load_job *j = arg;
    json_t *errors = NULL;
    j->rc = yw_exchange_load(j->ex, NULL, yw_str_c(j->code), YW_RECORDS_CSV, j->csv.data,
                             j->csv.len, YW__DEMO_ACTOR, &j->count, &errors, &j->err);
    json_t *first = json_array_get(errors, 0);
    if (j->rc < 0 && first)
        yw_err_set(&j->err, j->rc, NULL, "%s: line %lld: %s: %s", j->code,
                   (long long)json_integer_value(json_object_get(first, "line")),
                   json_string_value(json_object_get(first, "field")),
                   json_string_value(json_object_get(first, "message")));
    json_decref(errors);
    yw_buf_free(&j->csv);
    return NULL;
}

static int report(FILE *out, struct load_job *j, struct yw_err *err)
{
    if (j->rc < 0) {
        *err = j->err;
        return j->rc;
    }
    fprintf(out, "%s %s: %zu 条记录 / records\n", j->code, j->title, j->count);
    fflush(out);
    return YW_OK;
}

static int too_big(struct yw_err *err)
{
    return yw_err_set(err, YW_ETOOBIG, NULL, "demo records too large");
}

/* 户籍人口基本信息 (ql.gat): everyone. */
static int write_residents(struct population *p, struct yw_buf *csv, struct yw_err *err)
{
    uint32_t phone = 200000;
    if (yw_buf_append_c(csv, "gmsfhm,xm,xb,mz,csrq,hjdz,hjdqh,hh,yhzgx,sjhm,hkzt\n") < 0)
        return too_big(err);
    for (size_t i = 0; i < p->n; i++) {
        const struct person *who = &p->people[i];
        const struct household *home = &p->households[who->household];
        const struct district *d = &districts[home->district];
        char address[200], mobile[12] = "";
        if (home->building)
            (void)yw_fmt(address, sizeof(address), "青岚省%s%s%s%s%u号%u幢%u室", d->city, d->name,
                         d->towns[home->town], roads[home->road], home->number, home->building,
                         home->room);
        else
            (void)yw_fmt(address, sizeof(address), "青岚省%s%s%s%s%u号", d->city, d->name,
                         d->towns[home->town], roads[home->road], home->number);
        if (who->birth <= add_years(p->as_of, -16))
            (void)yw_fmt(mobile, sizeof(mobile), "139%08u", phone++);
        if (yw_buf_printf(csv, "%s,%s,%u,%s,%s,%s,%s,%02u%07u,%s,%s,1\n", who->id, who->name,
                          who->sex, nations[who->nation].code, date_text(who->birth).s, address,
                          d->code, home->district + 1u, who->household + 1u,
                          relation_code[who->relation], mobile) < 0)
            return too_big(err);
    }
    return YW_OK;
}

/* 婚姻登记信息 (ql.mzt): both parties of every couple, one record each. */
static int write_marriages(struct population *p, struct yw_buf *csv, struct yw_err *err)
{
    uint32_t serial = 0;
    if (yw_buf_append_c(csv, "dsrgmsfhm,dsrxm,dsrxb,hyzk,pogmsfhm,poxm,djlx,djrq,djjg,hydjzzh\n") <
        0)
        return too_big(err);
    for (size_t i = 0; i < p->n; i++) {
        const struct person *a = &p->people[i];
        if (a->spouse < 0 || (size_t)a->spouse < i)
            continue;
        const struct person *b = &p->people[a->spouse];
        const struct district *d = &districts[p->households[a->household].district];
        char number[32];
        serial++;
        (void)yw_fmt(number, sizeof(number), "J%s-%04d-%06u", d->code, year_of(a->married), serial);
        for (int side = 0; side < 2; side++) {
            const struct person *x = side ? b : a, *y = side ? a : b;
            if (yw_buf_printf(csv, "%s,%s,%u,21,%s,%s,01,%s,%s%s民政局婚姻登记处,%s\n", x->id,
                              x->name, x->sex, y->id, y->name, date_text(a->married).s, d->city,
                              d->name, number) < 0)
                return too_big(err);
        }
    }
    return YW_OK;
}

/* 社会保险参保信息 (ql.rst): three in four of those aged 18 to 64. */
static int write_insured(struct population *p, struct yw_buf *csv, struct yw_err *err)
{
    static const char *const kinds[] = {"110", "120", "170"};
    if (yw_buf_append_c(csv,
                        "shbzhm,xm,gmsfhm,xzlx,cbzt,sccbrq,cbdwmc,cbdwtyshxydm,yjfjs,cbdqh\n") < 0)
        return too_big(err);
    int32_t since = day_of(1995, 1, 1); /* the province's records begin */
    for (size_t i = 0; i < p->n; i++) {
        const struct person *who = &p->people[i];
        if (who->birth > add_years(p->as_of, -18) || who->birth <= add_years(p->as_of, -65) ||
            !chance(&p->rng, 75))
            continue;
        const struct district *d = &districts[p->households[who->household].district];
        uint32_t r = below(&p->rng, 100);
        size_t kind = r < 70 ? 0 : r < 80 ? 1 : 2;
        int32_t adult = add_years(who->birth, 18) > since ? add_years(who->birth, 18) : since;
        int32_t first =
            random_day(p, adult, adult + 6 * 365 < p->as_of ? adult + 6 * 365 : p->as_of);
        const char *status = chance(&p->rng, 6) ? "2" : "1";
        char employer[96] = "", uscc[19] = "", base[16] = "";
        if (kind < 2) {
            int city = city_of(d);
            size_t e;
            do
                e = kind == 1 ? N_ENTERPRISES + (size_t)city * N_OF(institutions) +
                                    below(&p->rng, N_OF(institutions))
                              : below(&p->rng, N_ENTERPRISES);
            while (p->employers[e].city != city);
            (void)yw_copy(employer, sizeof(employer), p->employers[e].name);
            (void)yw_copy(uscc, sizeof(uscc), p->employers[e].uscc);
            (void)yw_fmt(base, sizeof(base), "%u.00", 4500 + 100 * below(&p->rng, 120));
        }
        if (yw_buf_printf(csv, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", who->id, who->name, who->id,
                          kinds[kind], status, date_text(first).s, employer, uscc, base,
                          city_code[city_of(d)]) < 0)
            return too_big(err);
    }
    return YW_OK;
}

/* 中小学学籍信息 (ql.jyt): pupils of the 2025/26 school year (born from
 * September 2010 to August 2019), at a school of their district. */
static int write_pupils(struct population *p, struct yw_buf *csv, struct yw_err *err)
{
    if (yw_buf_append_c(csv, "xjh,xm,xb,gmsfhm,csrq,mz,xxmc,xxbsm,nj,rxny,xjzt\n") < 0)
        return too_big(err);
    for (size_t i = 0; i < p->n; i++) {
        const struct person *who = &p->people[i];
        int y, m, dd;
        ymd_of(who->birth, &y, &m, &dd);
        int entry = y + 6 + (m >= 9); /* the September after the sixth birthday's school year */
        int grade = AS_OF_YEAR - entry + 1;
        if (grade < 1 || grade > 9)
            continue;
        size_t district = p->households[who->household].district;
        const struct district *d = &districts[district];
        bool junior = grade > 6;
        char school[96], school_id[11];
        (void)yw_fmt(school, sizeof(school), "%s%s%s", d->city, d->name,
                     junior ? "第一中学" : "实验小学");
        (void)yw_fmt(school_id, sizeof(school_id), "3%s%03u", d->code, junior ? 201u : 101u);
        if (yw_buf_printf(csv, "G%s,%s,%u,%s,%s,%s,%s,%s,%d,%04d09,01\n", who->id, who->name,
                          who->sex, who->id, date_text(who->birth).s, nations[who->nation].code,
                          school, school_id, junior ? 20 + grade - 6 : 10 + grade,
                          junior ? entry + 6 : entry) < 0)
            return too_big(err);
    }
    return YW_OK;
}

/* 出生医学证明信息 (ql.wjw): children born from 2023 on, both parents residents. */
static int write_births(struct population *p, struct yw_buf *csv, struct yw_err *err)
{
    uint32_t serial = 0;
    if (yw_buf_append_c(csv,
                        "cszmbh,xsrxm,xsrxb,csrq,csdd,mqxm,mqgmsfhm,fqxm,fqgmsfhm,qfjg,qfrq\n") < 0)
        return too_big(err);
    int32_t from = day_of(AS_OF_YEAR - 2, 1, 1);
    for (size_t i = 0; i < p->n; i++) {
        const struct person *who = &p->people[i];
        if (who->birth < from || who->mother < 0 || who->father < 0)
            continue;
        const struct district *d = &districts[p->households[who->household].district];
        const struct person *mother = &p->people[who->mother], *father = &p->people[who->father];
        int32_t issued = who->birth + (int32_t)below(&p->rng, 4);
        if (issued > p->as_of)
            issued = p->as_of;
        serial++;
        if (yw_buf_printf(csv, "Q%09u,%s,%u,%s,青岚省%s%s,%s,%s,%s,%s,%s%s妇幼保健院,%s\n",
                          330000000u + serial, who->name, who->sex, date_text(who->birth).s,
                          d->city, d->name, mother->name, mother->id, father->name, father->id,
                          d->city, d->name, date_text(issued).s) < 0)
            return too_big(err);
    }
    return YW_OK;
}

int yw__demo_people(struct yw_ctx *ctx, FILE *out, struct yw__demo_example *example,
                    struct yw_err *err)
{
    static const struct {
        const char *code, *title;
        int (*write)(struct population *, struct yw_buf *, struct yw_err *);
    } resources[] = {
        {"101001/000002", "户籍人口基本信息", write_residents},
        {"101002/000001", "婚姻登记信息", write_marriages},
        {"203001/000001", "社会保险参保信息", write_insured},
        {"305001/000001", "中小学学籍信息", write_pupils},
        {"101003/000001", "出生医学证明信息", write_births},
    };
    enum { N = N_OF(resources), LAST = N - 1 };
    struct population p = {0};
    struct load_job jobs[N];
    pthread_t threads[N];
    bool started[N] = {false};
    int rc;

    if (ctx->exchange == NULL)
        return yw_err_set(err, YW_EINTERNAL, NULL, "the exchange is not open");
    for (size_t i = 0; i < N; i++) {
        jobs[i] = (struct load_job){
            .ex = ctx->exchange, .code = resources[i].code, .title = resources[i].title};
        yw_buf_init(&jobs[i].csv, CSV_MAX);
    }
    fprintf(out, "合成人口 / synthetic residents of 青岚省 (fixed seed, all fictional):\n");
    fflush(out);
    /* All the files first, in one order: the generator's sequence fixes the data. */
    rc = generate(&p, err);
    for (size_t i = 0; i < N && rc == YW_OK; i++)
        rc = resources[i].write(&p, &jobs[i].csv, err);
    if (rc < 0)
        goto out;
    if (yw_store_dialect(ctx->store) != YW_DIALECT_POSTGRES) {
        /* SQLite has one writer at a time: one load after the other. */
        for (size_t i = 0; i < N && rc == YW_OK; i++) {
            run_load(&jobs[i]);
            rc = report(out, &jobs[i], err);
        }
    } else {
        /* PostgreSQL: each row is a round trip, so the loads run side by side,
         * after the smallest (which learns the identity element alone). */
        run_load(&jobs[LAST]);
        if (jobs[LAST].rc < 0) {
            rc = report(out, &jobs[LAST], err);
            goto out;
        }
        for (size_t i = 0; i < LAST; i++)
            started[i] = pthread_create(&threads[i], NULL, run_load, &jobs[i]) == 0;
        for (size_t i = 0; i < LAST; i++) {
            if (started[i])
                pthread_join(threads[i], NULL);
            else
                run_load(&jobs[i]);
        }
        for (size_t i = 0; i < N && rc == YW_OK; i++)
            rc = report(out, &jobs[i], err);
    }
    *example = (struct yw__demo_example){.n_household = 0};
    (void)yw_copy(example->id, sizeof(example->id), p.citizen);
    for (size_t i = 1; i < p.n && p.people[i].household == 0 && example->n_household < 4; i++)
        (void)yw_copy(example->household[example->n_household++], 19, p.people[i].id);
out:
    for (size_t i = 0; i < N; i++)
        yw_buf_free(&jobs[i].csv);
    population_free(&p);
    return rc;
}
