// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zsctl maintain's policy: its knobs, described once (the configuration
 * file's keys and --policy's), and the configuration files, read with
 * libeconf in the layout util-linux uses: a vendor file under
 * /usr/lib/zsctl, the admin's under /etc/zsctl, drop-ins in zsctl.conf.d/.
 * A file is taken whole or not at all: the first bad key refuses it.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libeconf.h>
#include <libeconf_ext.h>

#include "internal.h"

#define MIB (UINT64_C(1) << 20)

/*
 * libeconf is dlopen()ed on the first read of the configuration, by the
 * SONAME configure read from the library: only zsctl maintain and zsctl
 * status --ages read zsctl.conf, and linking it made every run of every
 * verb (each scrape, each timer's compact) load it, about ten system calls
 * (bench/README.md). Its functions are resolved once through this table,
 * each pointer of the type the header gives the function (systemd's
 * DLSYM_PROTOTYPE).
 */
#define ECONF_SYMBOLS(X)                     \
	X(econf_readFile)                    \
	X(econf_readDirsHistoryWithCallback) \
	X(econf_getGroups)                   \
	X(econf_getKeys)                     \
	X(econf_getStringValue)              \
	X(econf_getExtValue)                 \
	X(econf_freeExtValue)                \
	X(econf_freeArray)                   \
	X(econf_freeFile)                    \
	X(econf_getPath)                     \
	X(econf_errString)                   \
	X(econf_errLocation)

#define ECONF_POINTER(fn) static __typeof__(fn) *sym_##fn;
ECONF_SYMBOLS(ECONF_POINTER)
#undef ECONF_POINTER

static const struct {
	const char *name;
	void *slot; /* &sym_NAME */
} econf_symbols[] = {
#define ECONF_ENTRY(fn) { #fn, &sym_##fn },
	ECONF_SYMBOLS(ECONF_ENTRY)
#undef ECONF_ENTRY
};

/*
 * The dependency, for packaging tools, as DT_NEEDED said it: systemd's ELF
 * note for dlopen() (docs/ELF_DLOPEN_METADATA.md: owner "FDO", type
 * 0x407c0c0a, a JSON array), in every program that links lib/config.o.
 */
#define ECONF_NOTE_JSON                                                                      \
	"[{\"feature\":\"config\",\"description\":\"zsctl.conf, read by zsctl maintain and " \
	"zsctl status --ages\",\"priority\":\"recommended\",\"soname\":[\"" ZS_ECONF_SONAME  \
	"\"]}]"
#define ELF_NOTE_DLOPEN_TYPE UINT32_C(0x407c0c0a)

__attribute__((used, section(".note.dlopen"), aligned(4))) static const struct {
	struct {
		uint32_t n_namesz, n_descsz, n_type;
	} nhdr;
	char name[sizeof("FDO")];
	char json[(sizeof(ECONF_NOTE_JSON) + 3) & ~(size_t)3];
} econf_note = {
	.nhdr = { sizeof("FDO"), sizeof(ECONF_NOTE_JSON), ELF_NOTE_DLOPEN_TYPE },
	.name = "FDO",
	.json = ECONF_NOTE_JSON,
};

static const char *econf_soname = ZS_ECONF_SONAME;
static void *econf_dl;

void zs_config_set_library(const char *soname)
{
	econf_soname = soname ? soname : ZS_ECONF_SONAME;
	econf_dl = NULL; /* a library loaded before stays, its functions in use until then */
}

void zs_maint_policy_default(struct zs_maint_policy *p)
{
	memset(p, 0, sizeof(*p));
	/* ChromeOS swap_management and Android mmd: zram_recompression.h, recompression.rs */
	p->recompress = true;
	p->recompress_types = ZS_PP_ALL;
	p->recompress_backoff = 30 * 60;
	p->recompress_age_min = 2 * 3600;
	p->recompress_age_max = 4 * 3600;
	p->recompress_threshold = 1024;
	/* zram_writeback.h, writeback.rs; huge alone is off as in mmd */
	p->writeback = true;
	p->writeback_types = ZS_PP_HUGE_IDLE | ZS_PP_IDLE;
	p->writeback_backoff = 10 * 60;
	p->writeback_age_min = 20 * 3600;
	p->writeback_age_max = 25 * 3600;
	p->writeback_min = 5 * MIB;
	p->writeback_max = 300 * MIB;
	p->writeback_daily = 1024 * MIB;
	/* zsctl compact's */
	p->compact = true;
	p->compact_policy.min_gain = MIB;
	p->compact_policy.min_frag = 0.5;
}

#define K(field) offsetof(struct zs_maint_policy, field)
static const struct zs_knob knobs[] = {
	{ "recompress", ZS_KNOB_BOOL, K(recompress), "recompress idle and huge pages" },
	{ "recompress-types", ZS_KNOB_TYPES, K(recompress_types),
	  "which pages, in this order: huge_idle,idle,huge" },
	{ "recompress-backoff", ZS_KNOB_DURATION, K(recompress_backoff),
	  "at most one round per device this often" },
	{ "recompress-age-min", ZS_KNOB_DURATION, K(recompress_age_min),
	  "idle age under full memory pressure" },
	{ "recompress-age-max", ZS_KNOB_DURATION, K(recompress_age_max),
	  "idle age with no memory pressure" },
	{ "recompress-threshold", ZS_KNOB_SIZE, K(recompress_threshold),
	  "only objects this large or larger" },
	{ "recompress-max-pages", ZS_KNOB_PAGES, K(recompress_max_pages),
	  "at most this many pages a type (0: no limit)" },
	{ "writeback", ZS_KNOB_BOOL, K(writeback), "write idle pages to the backing device" },
	{ "writeback-types", ZS_KNOB_TYPES, K(writeback_types),
	  "which pages, in this order: huge_idle,idle,huge" },
	{ "writeback-backoff", ZS_KNOB_DURATION, K(writeback_backoff),
	  "at most one round per device this often" },
	{ "writeback-age-min", ZS_KNOB_DURATION, K(writeback_age_min),
	  "idle age under full memory pressure" },
	{ "writeback-age-max", ZS_KNOB_DURATION, K(writeback_age_max),
	  "idle age with no memory pressure" },
	{ "writeback-min", ZS_KNOB_SIZE, K(writeback_min), "no round writes less than this" },
	{ "writeback-max", ZS_KNOB_SIZE, K(writeback_max), "no round writes more than this" },
	{ "writeback-daily", ZS_KNOB_SIZE, K(writeback_daily),
	  "at most this much a device and day" },
	{ "compact", ZS_KNOB_BOOL, K(compact), "compact where it pays, as zsctl compact" },
	{ "compact-min-gain", ZS_KNOB_SIZE, K(compact_policy.min_gain),
	  "compact when it would free this much" },
	{ "compact-min-frag", ZS_KNOB_PERCENT, K(compact_policy.min_frag),
	  "or when fragmentation is this high" },
	{ "compact-min-interval", ZS_KNOB_DURATION, K(compact_policy.min_interval),
	  "skip a device compacted less than this ago" },
};
#undef K

const struct zs_knob *zs_knob_table(size_t *n)
{
	*n = ZS_ARRAY_SIZE(knobs);
	return knobs;
}

const struct zs_knob *zs_knob_find(const char *name)
{
	for (size_t i = 0; i < ZS_ARRAY_SIZE(knobs); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

static const char *const type_names[] = { "huge_idle", "idle", "huge" };

static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ZS_ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* "huge_idle,idle", or "none"; each type once */
static int parse_types(const char *s, unsigned int *ret)
{
	unsigned int types = 0;
	const char *p = s;

	if (!strcmp(s, "none")) {
		*ret = 0;
		return 0;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned int bit = 0;

		for (size_t i = 0; i < ZS_ARRAY_SIZE(type_names); i++)
			if (strlen(type_names[i]) == len && !memcmp(type_names[i], p, len))
				bit = 1u << i;
		if (!bit || (types & bit))
			return -EINVAL;
		types |= bit;
		p += len;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	if (!types)
		return -EINVAL;
	*ret = types;
	return 0;
}

int zs_knob_set(const struct zs_knob *k, struct zs_maint_policy *p, const char *value)
{
	void *field = (char *)p + k->offset;
	uint64_t v;
	double d;
	bool b;
	unsigned int t;
	int r;

	switch (k->kind) {
	case ZS_KNOB_BOOL:
		r = parse_bool(value, &b);
		if (!r)
			*(bool *)field = b;
		return r;
	case ZS_KNOB_TYPES:
		r = parse_types(value, &t);
		if (!r)
			*(unsigned int *)field = t;
		return r;
	case ZS_KNOB_DURATION:
		r = zs_parse_duration(value, &v);
		/* the kernel's idle age is a u32 of seconds (7.3) */
		if (!r && v > UINT32_MAX)
			r = -ERANGE;
		break;
	case ZS_KNOB_SIZE:
		r = zs_parse_size(value, &v);
		break;
	case ZS_KNOB_PAGES:
		r = zs_parse_u64(value, &v);
		if (!r && v > UINT32_MAX)
			r = -ERANGE;
		break;
	case ZS_KNOB_PERCENT:
		r = zs_parse_percent(value, &d);
		if (!r)
			*(double *)field = d;
		return r;
	default:
		return -EINVAL;
	}
	if (!r)
		*(uint64_t *)field = v;
	return r;
}

const char *zs_knob_accepted(const struct zs_knob *k)
{
	switch (k->kind) {
	case ZS_KNOB_BOOL:
		return "yes or no (also true/false, on/off, 1/0)";
	case ZS_KNOB_TYPES:
		return "page types, comma-separated, each once (huge_idle, idle, huge), or none";
	case ZS_KNOB_DURATION:
		return ZS_DURATION_ACCEPTED;
	case ZS_KNOB_SIZE:
		return ZS_SIZE_ACCEPTED;
	case ZS_KNOB_PERCENT:
		return ZS_PERCENT_ACCEPTED;
	case ZS_KNOB_PAGES:
		return "a number of pages: 0, 1024";
	}
	return "";
}

static void format_duration(uint64_t v, char *buf, size_t size)
{
	if (v && v % 86400 == 0)
		snprintf(buf, size, "%" PRIu64 "d", v / 86400);
	else if (v && v % 3600 == 0)
		snprintf(buf, size, "%" PRIu64 "h", v / 3600);
	else if (v && v % 60 == 0)
		snprintf(buf, size, "%" PRIu64 "m", v / 60);
	else
		snprintf(buf, size, "%" PRIu64 "s", v);
}

static void format_size(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;

	while (v && v % 1024 == 0 && u < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, size, "%" PRIu64 "%c", v, units[u - 1]);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

void zs_knob_format(const struct zs_knob *k, const struct zs_maint_policy *p, char *buf,
		    size_t size)
{
	const void *field = (const char *)p + k->offset;
	size_t len = 0;

	switch (k->kind) {
	case ZS_KNOB_BOOL:
		snprintf(buf, size, "%s", *(const bool *)field ? "yes" : "no");
		return;
	case ZS_KNOB_TYPES:
		buf[0] = '\0';
		for (size_t i = 0; i < ZS_ARRAY_SIZE(type_names); i++) {
			if (!(*(const unsigned int *)field & (1u << i)))
				continue;
			snprintf(buf + len, size - len, "%s%s", len ? "," : "", type_names[i]);
			len = strlen(buf);
		}
		if (!len)
			snprintf(buf, size, "none");
		return;
	case ZS_KNOB_DURATION:
		format_duration(*(const uint64_t *)field, buf, size);
		return;
	case ZS_KNOB_SIZE:
		format_size(*(const uint64_t *)field, buf, size);
		return;
	case ZS_KNOB_PAGES:
		snprintf(buf, size, "%" PRIu64, *(const uint64_t *)field);
		return;
	case ZS_KNOB_PERCENT:
		snprintf(buf, size, "%g%%", *(const double *)field * 100.0);
		return;
	}
	snprintf(buf, size, "?");
}

const char *zs_maint_policy_check(const struct zs_maint_policy *p, const char **first)
{
	if (p->recompress_age_min > p->recompress_age_max) {
		*first = "recompress-age-min";
		return "recompress-age-max";
	}
	if (p->writeback_age_min > p->writeback_age_max) {
		*first = "writeback-age-min";
		return "writeback-age-max";
	}
	if (p->writeback_min > p->writeback_max) {
		*first = "writeback-min";
		return "writeback-max";
	}
	return NULL;
}

int zs_maint_threshold_check(const struct zs_maint_policy *p, uint64_t page_size, char *cause,
			     size_t size)
{
	uint64_t huge = zs_huge_class_size(page_size);

	if (!huge || p->recompress_threshold < huge)
		return 0;
	snprintf(cause, size,
		 "%" PRIu64 " is at or above zsmalloc's huge class size, %" PRIu64
		 " bytes with %" PRIu64 "K pages: the kernel refuses it",
		 p->recompress_threshold, huge, page_size / 1024);
	return -ERANGE;
}

/* ---- the files -------------------------------------------------------------------- */

#define SECTION_ALL "maintain"

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* Where a key was read: libeconf keeps the file and line of each value. */
static void locate(econf_file *kf, const char *group, const char *key, struct zs_config_error *e)
{
	econf_ext_value *ext = NULL;

	if (sym_econf_getExtValue(kf, group, key, &ext) == ECONF_SUCCESS && ext) {
		copy_str(e->file, sizeof(e->file), ext->file);
		e->line = ext->line_number;
	}
	if (ext)
		sym_econf_freeExtValue(ext);
}

static int fail(struct zs_config_error *e, enum zs_config_problem problem, int err)
{
	e->problem = problem;
	e->err = err;
	return -EINVAL;
}

/* The file kf was read from (econf_getPath() hands out a copy). */
static void name_file(econf_file *kf, struct zs_config_error *e)
{
	char *path = sym_econf_getPath(kf);

	copy_str(e->file, sizeof(e->file), path);
	free(path);
}

/* dlopen() or dlsym() of libeconf failed: name it, and what dlerror() says. */
static int econf_failed(struct zs_config_error *e, const char *symbol)
{
	const char *why = dlerror();

	copy_str(e->file, sizeof(e->file), econf_soname);
	copy_str(e->key, sizeof(e->key), symbol);
	copy_str(e->cause, sizeof(e->cause), why ? why : "unknown error");
	fail(e, ZS_CONFIG_NO_LIBRARY, -ELIBACC);
	return -ELIBACC;
}

/* libeconf, once a process; else the library and dlerror()'s cause in *e. */
static int econf_load(struct zs_config_error *e)
{
	void *dl;

	if (econf_dl)
		return 0;
	dl = dlopen(econf_soname, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return econf_failed(e, NULL);
	for (size_t i = 0; i < ZS_ARRAY_SIZE(econf_symbols); i++) {
		void *fn;

		(void)dlerror();
		fn = dlsym(dl, econf_symbols[i].name);
		if (!fn) {
			/* the message first: dlclose() may free it */
			econf_failed(e, econf_symbols[i].name);
			dlclose(dl);
			return -ELIBACC;
		}
		memcpy(econf_symbols[i].slot, &fn, sizeof(fn));
	}
	econf_dl = dl;
	return 0;
}

/* A bad key of group: kept in *e if it is the first bad line of the group so far. */
static void refuse_key(econf_file *kf, const char *group, const char *key, const char *value,
		       enum zs_config_problem problem, int err, const char *cause,
		       struct zs_config_error *e)
{
	struct zs_config_error here = { .problem = problem, .err = err };

	copy_str(here.key, sizeof(here.key), key);
	copy_str(here.value, sizeof(here.value), value);
	copy_str(here.cause, sizeof(here.cause), cause);
	locate(kf, group, key, &here);
	if (e->problem && (!here.line || (e->line && e->line <= here.line)))
		return;
	e->problem = problem;
	e->err = err;
	copy_str(e->key, sizeof(e->key), here.key);
	copy_str(e->value, sizeof(e->value), here.value);
	copy_str(e->cause, sizeof(e->cause), here.cause);
	copy_str(e->file, sizeof(e->file), here.file);
	e->line = here.line;
}

/*
 * Every key of group into p: any bad one refuses it all, named at its line
 * (the first bad line of the group). The values are looked up knob by knob:
 * libeconf 0.5's econf_getKeys() leaves out an entry whose key is the key of
 * the entry before it in the file, whatever their groups, so in
 *	[maintain]
 *	recompress = yes
 *	[zram3]
 *	recompress = no
 * zram3 had no key at all and took [maintain]'s (issue 14). Its list serves
 * only to find unknown keys, which the omission cannot hide: the entry before,
 * of the same name, is as unknown and refuses the file where it is.
 */
static int apply_group(econf_file *kf, const char *group, struct zs_maint_policy *p,
		       struct zs_config_error *e)
{
	char **keys = NULL;
	size_t nkeys = 0;
	econf_err ee;

	e->problem = ZS_CONFIG_OK;
	ee = sym_econf_getKeys(kf, group, &nkeys, &keys);
	if (ee != ECONF_SUCCESS && ee != ECONF_NOKEY) {
		copy_str(e->cause, sizeof(e->cause), sym_econf_errString(ee));
		return fail(e, ZS_CONFIG_SYNTAX, -EINVAL);
	}
	for (size_t i = 0; ee == ECONF_SUCCESS && i < nkeys; i++)
		if (!zs_knob_find(keys[i]))
			refuse_key(kf, group, keys[i], "", ZS_CONFIG_UNKNOWN_KEY, -EINVAL, "", e);
	if (keys)
		sym_econf_freeArray(keys);
	for (size_t i = 0; i < ZS_ARRAY_SIZE(knobs); i++) {
		char *value = NULL;
		int r;

		ee = sym_econf_getStringValue(kf, group, knobs[i].name, &value);
		if (ee == ECONF_NOKEY)
			continue;
		if (ee != ECONF_SUCCESS || !value) {
			refuse_key(kf, group, knobs[i].name, "", ZS_CONFIG_BAD_VALUE, -EINVAL,
				   ee == ECONF_SUCCESS ? "no value" : sym_econf_errString(ee), e);
			free(value);
			continue;
		}
		r = zs_knob_set(&knobs[i], p, value);
		if (r < 0)
			refuse_key(kf, group, knobs[i].name, value,
				   r == -ERANGE ? ZS_CONFIG_RANGE : ZS_CONFIG_BAD_VALUE, r, "", e);
		free(value);
	}
	if (e->problem)
		return -EINVAL;
	e->key[0] = e->value[0] = '\0';
	e->file[0] = '\0';
	e->line = 0;
	return 0;
}

/* A minimum above its maximum: named where the last file to set either key set it. */
static int check_policy(econf_file **kfs, size_t n, const char *group,
			const struct zs_maint_policy *p, struct zs_config_error *e)
{
	const char *first = NULL, *second = zs_maint_policy_check(p, &first);

	if (!second)
		return 0;
	copy_str(e->section, sizeof(e->section), group);
	copy_str(e->key, sizeof(e->key), first);
	copy_str(e->other, sizeof(e->other), second);
	copy_str(e->cause, sizeof(e->cause), "above");
	for (size_t i = n; i-- > 0 && !e->file[0];) {
		for (int sec = 0; sec < 2 && !e->file[0]; sec++) {
			const char *g = sec ? SECTION_ALL : group;

			if (sec && !strcmp(group, SECTION_ALL))
				break;
			locate(kfs[i], g, first, e);
			if (e->file[0])
				break;
			/* the maximum was set last: name it, and the minimum it is below */
			locate(kfs[i], g, second, e);
			if (e->file[0]) {
				copy_str(e->key, sizeof(e->key), second);
				copy_str(e->other, sizeof(e->other), first);
				copy_str(e->cause, sizeof(e->cause), "below");
			}
		}
	}
	return fail(e, ZS_CONFIG_CONFLICT, -EINVAL);
}

/* A threshold the kernel refuses: named where the last file to set it for group set it. */
static int check_threshold(econf_file **kfs, size_t n, const char *group,
			   const struct zs_maint_policy *p, uint64_t page_size,
			   struct zs_config_error *e)
{
	if (!zs_maint_threshold_check(p, page_size, e->cause, sizeof(e->cause)))
		return 0;
	copy_str(e->section, sizeof(e->section), group);
	copy_str(e->key, sizeof(e->key), "recompress-threshold");
	for (size_t i = n; i-- > 0 && !e->file[0];) {
		locate(kfs[i], group, e->key, e);
		if (!e->file[0] && strcmp(group, SECTION_ALL))
			locate(kfs[i], SECTION_ALL, e->key, e);
	}
	return fail(e, ZS_CONFIG_BAD_VALUE, -EINVAL);
}

/* A key before any section, or a section that is neither [maintain] nor [zramN]. */
static int check_layout(econf_file *kf, struct zs_config_error *e)
{
	char **names = NULL;
	size_t n = 0;
	econf_err ee;
	int r = 0;

	/* libeconf files a key before any section under no group */
	ee = sym_econf_getKeys(kf, NULL, &n, &names);
	if (ee == ECONF_SUCCESS && n) {
		copy_str(e->key, sizeof(e->key), names[0]);
		locate(kf, NULL, names[0], e);
		r = fail(e, ZS_CONFIG_NO_SECTION, -EINVAL);
	}
	sym_econf_freeArray(names);
	if (r)
		return r;
	names = NULL;
	n = 0;
	if (sym_econf_getGroups(kf, &n, &names) != ECONF_SUCCESS)
		return 0;
	for (size_t i = 0; i < n && !r; i++) {
		char **keys = NULL;
		size_t nkeys = 0;

		if (!strcmp(names[i], SECTION_ALL) || zs_devname_valid(names[i]))
			continue;
		copy_str(e->section, sizeof(e->section), names[i]);
		if (sym_econf_getKeys(kf, names[i], &nkeys, &keys) == ECONF_SUCCESS && nkeys)
			locate(kf, names[i], keys[0], e);
		if (!e->file[0])
			name_file(kf, e);
		sym_econf_freeArray(keys);
		r = fail(e, ZS_CONFIG_UNKNOWN_SECTION, -EINVAL);
	}
	sym_econf_freeArray(names);
	return r;
}

/* The device sections of one file, over [maintain] as all the files made it. */
static int apply_devices(econf_file *kf, struct zs_config *cfg, struct zs_config_error *e)
{
	char **groups = NULL;
	size_t ngroups = 0;
	int r = 0;

	if (sym_econf_getGroups(kf, &ngroups, &groups) != ECONF_SUCCESS)
		return 0;
	for (size_t i = 0; i < ngroups && !r; i++) {
		const char *g = groups[i];
		size_t d;

		if (!strcmp(g, SECTION_ALL))
			continue;
		copy_str(e->section, sizeof(e->section), g);
		for (d = 0; d < cfg->ndev && strcmp(cfg->dev[d].name, g); d++)
			;
		if (d == cfg->ndev) {
			if (cfg->ndev == ZS_CONFIG_MAX_DEVICES) {
				name_file(kf, e);
				r = fail(e, ZS_CONFIG_TOO_MANY, -E2BIG);
				break;
			}
			copy_str(cfg->dev[d].name, sizeof(cfg->dev[0].name), g);
			cfg->dev[d].policy = cfg->all;
			cfg->ndev++;
		}
		r = apply_group(kf, g, &cfg->dev[d].policy, e);
	}
	sym_econf_freeArray(groups);
	return r;
}

/*
 * The files in libeconf's order, later ones winning key by key: first every
 * [maintain], then every device section over the [maintain] they made.
 */
static int apply(econf_file **kfs, size_t n, uint64_t page_size, struct zs_config *cfg,
		 struct zs_config_error *e)
{
	int r = 0;

	for (size_t i = 0; i < n && !r; i++) {
		r = check_layout(kfs[i], e);
		if (!r) {
			r = apply_group(kfs[i], SECTION_ALL, &cfg->all, e);
			if (r)
				copy_str(e->section, sizeof(e->section), SECTION_ALL);
		}
	}
	for (size_t i = 0; i < n && !r; i++)
		r = apply_devices(kfs[i], cfg, e);
	if (!r)
		r = check_policy(kfs, n, SECTION_ALL, &cfg->all, e);
	for (size_t d = 0; d < cfg->ndev && !r; d++)
		r = check_policy(kfs, n, cfg->dev[d].name, &cfg->dev[d].policy, e);
	if (!r)
		r = check_threshold(kfs, n, SECTION_ALL, &cfg->all, page_size, e);
	for (size_t d = 0; d < cfg->ndev && !r; d++)
		r = check_threshold(kfs, n, cfg->dev[d].name, &cfg->dev[d].policy, page_size, e);
	if (!r)
		e->section[0] = '\0';
	return r;
}

/* libeconf's parse failure: the file and line it was reading. */
static int parse_failed(econf_err ee, struct zs_config_error *e)
{
	char *file = NULL;
	uint64_t line = 0;

	sym_econf_errLocation(&file, &line);
	if (file && *file)
		copy_str(e->file, sizeof(e->file), file);
	free(file);
	e->line = line;
	copy_str(e->cause, sizeof(e->cause), sym_econf_errString(ee));
	return fail(e, ee == ECONF_NOMEM ? ZS_CONFIG_UNREADABLE : ZS_CONFIG_SYNTAX,
		    ee == ECONF_NOMEM ? -ENOMEM : -EINVAL);
}

/*
 * Without a callback, libeconf 0.5 reports a drop-in it cannot parse as
 * "file not found" and forgets where; with one, it says which file and line.
 */
static bool accept_file(const char *path, const void *data)
{
	(void)path, (void)data;
	return true;
}

static void free_files(econf_file **kfs, size_t n)
{
	for (size_t i = 0; kfs && i < n; i++)
		if (kfs[i])
			sym_econf_freeFile(kfs[i]);
	free(kfs);
}

struct file_order {
	econf_file *kf;
	char *path;
	const char *name; /* the drop-in's file name; NULL for zsctl.conf */
	size_t read_as;
};

static int file_order_cmp(const void *a, const void *b)
{
	const struct file_order *x = a, *y = b;
	int c;

	if (!x->name != !y->name)
		return x->name ? 1 : -1;
	c = x->name ? strcmp(x->name, y->name) : 0;
	if (c)
		return c;
	return x->read_as < y->read_as ? -1 : x->read_as > y->read_as;
}

/*
 * systemd's order: zsctl.conf, then the drop-ins of both directories by
 * name, whichever directory (a later one wins). libeconf 0.5 hands out the
 * vendor's drop-ins first and then /etc's, so that /etc/.../20-b.conf came
 * before /usr/lib/.../30-c.conf and won over it; and it reads both of two
 * drop-ins of one name, where /etc's masks the vendor's (read first).
 */
static int sort_files(econf_file **kfs, size_t *np)
{
	size_t n = *np, kept = 0;
	struct file_order *o = calloc(n ? n : 1, sizeof(*o));
	int r = 0;

	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *slash;
		size_t dirlen;

		o[i].kf = kfs[i];
		o[i].read_as = i;
		o[i].path = sym_econf_getPath(kfs[i]);
		if (!o[i].path) {
			r = -ENOMEM;
			goto out;
		}
		slash = strrchr(o[i].path, '/');
		if (!slash)
			continue;
		dirlen = (size_t)(slash - o[i].path);
		if (dirlen >= strlen(".conf.d") &&
		    !strncmp(slash - strlen(".conf.d"), ".conf.d", strlen(".conf.d")))
			o[i].name = slash + 1;
	}
	qsort(o, n, sizeof(*o), file_order_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && o[i].name && o[i + 1].name && !strcmp(o[i].name, o[i + 1].name)) {
			sym_econf_freeFile(o[i].kf);
			continue;
		}
		kfs[kept++] = o[i].kf;
	}
	*np = kept;
out:
	for (size_t i = 0; i < n; i++)
		free(o[i].path);
	free(o);
	return r;
}

int zs_config_load(struct zs_ctx *ctx, const char *path, struct zs_config *ret,
		   struct zs_config_error *e)
{
	struct zs_config *cfg;
	econf_file **kfs = NULL, *one = NULL;
	size_t n = 0;
	econf_err ee;
	int r;

	memset(e, 0, sizeof(*e));
	r = econf_load(e);
	if (r < 0)
		return r;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;
	zs_maint_policy_default(&cfg->all);
	if (path) {
		/* libeconf says "file not found" for every open failure: ask first */
		FILE *f = fopen(path, "re");

		copy_str(e->file, sizeof(e->file), path);
		if (!f) {
			r = fail(e, ZS_CONFIG_UNREADABLE, -errno);
			goto out;
		}
		fclose(f);
		ee = sym_econf_readFile(&one, path, "=", "#");
		if (ee != ECONF_SUCCESS) {
			one = NULL;
			r = parse_failed(ee, e);
			goto out;
		}
		e->file[0] = '\0';
		r = apply(&one, 1, zs_ctx_page_size(ctx), cfg, e);
	} else {
		char usr[PATH_MAX], etc[PATH_MAX];
		const char *root = zs_ctx_is_live(ctx) ? "" : zs_ctx_root(ctx);

		snprintf(usr, sizeof(usr), "%s%s", root, ZS_CONFIG_VENDOR_DIR);
		snprintf(etc, sizeof(etc), "%s%s", root, ZS_CONFIG_DIR);
		ee = sym_econf_readDirsHistoryWithCallback(&kfs, &n, usr, etc, "zsctl", "conf", "=",
							   "#", accept_file, NULL);
		if (ee == ECONF_NOFILE) {
			/* no file at all: the defaults (libeconf 0.5 still hands out its empty list) */
			free_files(kfs, n);
			kfs = NULL;
			n = 0;
		} else if (ee != ECONF_SUCCESS) {
			r = parse_failed(ee, e);
			kfs = NULL; /* libeconf 0.5 frees what it read when it fails */
			n = 0;
			goto out;
		}
		r = sort_files(kfs, &n);
		if (r < 0)
			goto out;
		r = apply(kfs, n, zs_ctx_page_size(ctx), cfg, e);
	}
	if (!r)
		*ret = *cfg;
out:
	if (one)
		sym_econf_freeFile(one);
	free_files(kfs, n);
	free(cfg);
	return r;
}

const struct zs_maint_policy *zs_config_policy(const struct zs_config *cfg, const char *dev)
{
	for (size_t i = 0; i < cfg->ndev; i++)
		if (!strcmp(cfg->dev[i].name, dev))
			return &cfg->dev[i].policy;
	return &cfg->all;
}

int zs_config_override(struct zs_config *cfg, const struct zs_knob *k, const char *value)
{
	int r = zs_knob_set(k, &cfg->all, value);

	for (size_t i = 0; i < cfg->ndev && !r; i++)
		r = zs_knob_set(k, &cfg->dev[i].policy, value);
	return r;
}
