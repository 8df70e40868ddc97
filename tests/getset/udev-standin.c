// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udev-standin: what systemd-udevd does with a zram device's uevents, as
 * far as zsctl can see it, for machines that run no udevd (the test VMs).
 * Not installed. tests/getset/udev.sh runs it in a private mount namespace
 * with a tmpfs on /run, so that nothing but the test sees its udev files;
 * it refuses to run in the machine's own mount namespace, and where a
 * udevd runs.
 *
 *   udev-standin [--hold MS] HOST-MNT-NS FIFO STATS
 *
 * HOST-MNT-NS is the test's mount namespace before it made its own
 * (readlink /proc/self/ns/mnt there); it must differ from the stand-in's,
 * whose /run must be a tmpfs named zsctl-udev-test.
 *
 * Like udevd it:
 * - keeps /run/udev/control (libudev: "udevd is running");
 * - receives the kernel's uevents (netlink), and keeps /run/udev/queue
 *   while an event is pending;
 * - processes an add or change event of a device: opens the node O_RDONLY,
 *   takes flock(LOCK_SH|LOCK_NB) on it (when another process holds a lock
 *   the event is put off, and tried again 200 ms later, as udevd 252
 *   does), reads its first and last 64 KiB as blkid does, keeps it open
 *   --hold ms (20: the rest of the rules), writes the database entry
 *   /run/udev/data/bMAJ:MIN ("the device is initialised"), closes it;
 * - removes the entry on a remove event.
 * It only ever touches the devices named to it through FIFO by the test
 * that made them, one "zramN DISKSEQ" a line (DISKSEQ from sysfs, unique to
 * one device's life; 0 on kernels before 5.15, then the name alone counts,
 * until the device's remove event). An event of another device (another
 * test's, the machine's zram0) waits up to 10 s to be claimed, outside
 * udev's queue, and is then dropped unread. STANDIN_DEBUG=1 traces the
 * events. On SIGTERM it writes its counts to STATS.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <libudev.h>

#define MAX_QUEUE 1024
#define MAX_UNCLAIMED 8192
#define MAX_OWNED 1024
#define PROBE_BYTES (64 * 1024)
#define RETRY_MS 200 /* udevd 252: EVENT_RETRY_INTERVAL_USEC */
/* the test names its device within ms; a loaded machine may take seconds */
#define UNCLAIMED_MS 10000

struct event {
	char name[32];
	char action[16];
	dev_t devno;
	uint64_t diskseq;  /* the kernel's DISKSEQ: one device's life; 0 when none */
	uint64_t due;	   /* monotonic ms: not before */
	uint64_t received; /* monotonic ms */
};

/* The test's devices: a name, and the diskseq read when it made it (0: none). */
struct owned {
	char name[32];
	uint64_t diskseq;
};

/* the events of the test's devices, pending: udevd's queue */
static struct event queue[MAX_QUEUE];
static size_t nqueue;
/*
 * Events of other devices, and of the test's before it names them (it
 * learns a new device's name from hot_add, after its add event): for
 * UNCLAIMED_MS. They are not in udevd's queue: a udevd would have probed
 * another test's device at once.
 */
static struct event unclaimed[MAX_UNCLAIMED];
static size_t nunclaimed;
static struct owned owned[MAX_OWNED];
static size_t nowned;
static volatile sig_atomic_t stop;
static unsigned int hold_ms = 20;
static bool debug;

static struct {
	unsigned long events, probes, locked_out, busy_open, dropped;
} count;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static struct owned *owner_of(const struct event *e)
{
	for (size_t i = 0; i < nowned; i++)
		if (!strcmp(owned[i].name, e->name) &&
		    (!owned[i].diskseq || owned[i].diskseq == e->diskseq))
			return &owned[i];
	return NULL;
}

static void take_event(const struct event *e)
{
	if (owner_of(e)) {
		if (nqueue < MAX_QUEUE)
			queue[nqueue++] = *e;
		else
			count.dropped++;
		return;
	}
	if (nunclaimed == MAX_UNCLAIMED) {
		memmove(&unclaimed[0], &unclaimed[1], (nunclaimed - 1) * sizeof(unclaimed[0]));
		nunclaimed--;
		count.dropped++;
	}
	unclaimed[nunclaimed++] = *e;
}

/* "zramN DISKSEQ" from the test: its events, those already come first */
static void own(const char *line)
{
	struct owned o = { 0 };
	unsigned long long seq = 0;

	if (sscanf(line, "%31s %llu", o.name, &seq) < 1 || strncmp(o.name, "zram", 4) ||
	    nowned == MAX_OWNED)
		return;
	o.diskseq = seq;
	owned[nowned++] = o;
	if (debug)
		fprintf(stderr, "own %s %llu\n", o.name, seq);
	for (size_t i = 0; i < nunclaimed;) {
		if (owner_of(&unclaimed[i])) {
			take_event(&unclaimed[i]);
			memmove(&unclaimed[i], &unclaimed[i + 1],
				(nunclaimed - i - 1) * sizeof(unclaimed[0]));
			nunclaimed--;
			continue;
		}
		i++;
	}
}

/* after its remove event: the next device of that name is not the test's */
static void disown(const struct event *e)
{
	struct owned *o = owner_of(e);

	if (o) {
		memmove(o, o + 1, (size_t)(&owned[nowned] - (o + 1)) * sizeof(*o));
		nowned--;
	}
}

static void set_queue_file(void)
{
	if (nqueue) {
		int fd = open("/run/udev/queue", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	} else {
		unlink("/run/udev/queue");
	}
}

static void db_path(dev_t devno, char *buf, size_t size)
{
	snprintf(buf, size, "/run/udev/data/b%u:%u", major(devno), minor(devno));
}

/* 0 done, 1 put off (the node is locked) */
static int process(const struct event *e)
{
	char node[64], db[64];
	static char buf[PROBE_BYTES];
	struct stat st;
	int fd;

	db_path(e->devno, db, sizeof(db));
	if (!strcmp(e->action, "remove")) {
		unlink(db);
		disown(e);
		return 0;
	}
	snprintf(node, sizeof(node), "/dev/%s", e->name);
	fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		/* being reset (zram's claim) or gone: udevd gives up on it too */
		count.busy_open++;
		return 0;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		close(fd);
		count.locked_out++;
		return 1;
	}
	count.probes++;
	/* blkid reads the start and the end of the device */
	if (pread(fd, buf, sizeof(buf), 0) < 0) {
		/* an uninitialised zram device has no size: nothing to read */
	}
	if (fstat(fd, &st) == 0) {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end > PROBE_BYTES && pread(fd, buf, sizeof(buf), end - PROBE_BYTES) < 0) {
			/* as above */
		}
	}
	if (hold_ms) {
		struct timespec ts = { hold_ms / 1000, (long)(hold_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop)
			;
	}
	{
		FILE *f = fopen(db, "we");

		if (f) {
			fprintf(f, "I:%llu\n", (unsigned long long)now_ms() * 1000);
			fclose(f);
		}
	}
	close(fd);
	return 0;
}

static void run_queue(void)
{
	uint64_t now = now_ms();

	while (nunclaimed && now - unclaimed[0].received >= UNCLAIMED_MS) {
		if (debug)
			fprintf(stderr, "drop %s %s\n", unclaimed[0].action, unclaimed[0].name);
		memmove(&unclaimed[0], &unclaimed[1], (nunclaimed - 1) * sizeof(unclaimed[0]));
		nunclaimed--;
		count.dropped++;
	}
	for (size_t i = 0; i < nqueue && !stop;) {
		struct event *e = &queue[i];
		bool later = false;

		/* udevd runs a device's events in order: not past one put off */
		for (size_t j = 0; j < i && !later; j++)
			later = !strcmp(queue[j].name, e->name);
		if (later || e->due > now) {
			i++;
			continue;
		}
		if (debug)
			fprintf(stderr, "process %s %s\n", e->action, e->name);
		if (process(e)) {
			e->due = now_ms() + RETRY_MS;
			i++;
			continue;
		}
		memmove(e, e + 1, (nqueue - i - 1) * sizeof(*e));
		nqueue--;
		now = now_ms();
	}
	set_queue_file();
}

static void read_fifo(int fd)
{
	static char line[256];
	static size_t len;
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf));

	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (len + 1 < sizeof(line))
				line[len++] = buf[i];
			continue;
		}
		line[len] = '\0';
		len = 0;
		own(line);
	}
}

static bool private_namespace(const char *host_ns)
{
	char self[64], line[4096];
	ssize_t n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	bool own_run = false;
	FILE *f;

	if (n <= 0 || !host_ns || strncmp(host_ns, "mnt:[", 5))
		return false;
	self[n] = '\0';
	if (!strcmp(self, host_ns))
		return false;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char point[256] = "", type[64] = "", source[64] = "";
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", point) != 1 ||
		    sscanf(sep + 3, "%63s %63s", type, source) != 2)
			continue;
		/* the last mount on /run is the one in effect */
		if (!strcmp(point, "/run"))
			own_run = !strcmp(type, "tmpfs") && !strcmp(source, "zsctl-udev-test");
	}
	fclose(f);
	return own_run;
}

int main(int argc, char **argv)
{
	struct udev *udev;
	struct udev_monitor *mon;
	int fifo, i = 1;
	FILE *stats;

	if (argc > 2 && !strcmp(argv[1], "--hold")) {
		hold_ms = (unsigned int)atoi(argv[2]);
		i = 3;
	}
	if (argc - i != 3) {
		fprintf(stderr, "usage: udev-standin [--hold MS] HOST-MNT-NS FIFO STATS\n");
		return 2;
	}
	if (!private_namespace(argv[i++])) {
		fprintf(stderr, "udev-standin: not in the test's private mount namespace with its "
				"own /run: refusing to fake udev for the machine\n");
		return 1;
	}
	if (access("/run/udev/control", F_OK) == 0) {
		fprintf(stderr, "udev-standin: /run/udev/control exists: a udevd runs\n");
		return 1;
	}
	if (mkdir("/run/udev", 0755) < 0 && errno != EEXIST)
		return perror("udev-standin: /run/udev"), 1;
	if (mkdir("/run/udev/data", 0755) < 0 && errno != EEXIST)
		return perror("udev-standin: /run/udev/data"), 1;
	fifo = open(argv[i], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return perror(argv[i]), 1;
	udev = udev_new();
	mon = udev ? udev_monitor_new_from_netlink(udev, "kernel") : NULL;
	if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon, "block", "disk") < 0 ||
	    udev_monitor_set_receive_buffer_size(mon, 4 * 1024 * 1024) < 0 ||
	    udev_monitor_enable_receiving(mon) < 0) {
		fprintf(stderr, "udev-standin: cannot receive the kernel's uevents\n");
		return 1;
	}
	debug = getenv("STANDIN_DEBUG") != NULL;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	{
		int fd = open("/run/udev/control", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return perror("udev-standin: /run/udev/control"), 1;
		close(fd);
	}
	/* ready: the test waits for this line */
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		struct pollfd p[2] = { { udev_monitor_get_fd(mon), POLLIN, 0 },
				       { fifo, POLLIN, 0 } };
		int timeout = nqueue || nunclaimed ? 5 : 200;

		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			read_fifo(fifo);
		if (p[0].revents & POLLIN) {
			struct udev_device *d;

			while ((d = udev_monitor_receive_device(mon))) {
				const char *name = udev_device_get_sysname(d);
				const char *action = udev_device_get_action(d);
				const char *seq = udev_device_get_property_value(d, "DISKSEQ");

				if (name && action && !strncmp(name, "zram", 4) &&
				    strlen(name) < sizeof(queue[0].name)) {
					struct event e = { 0 };

					snprintf(e.name, sizeof(e.name), "%s", name);
					snprintf(e.action, sizeof(e.action), "%s", action);
					e.devno = udev_device_get_devnum(d);
					e.diskseq = seq ? strtoull(seq, NULL, 10) : 0;
					e.received = e.due = now_ms();
					count.events++;
					if (debug)
						fprintf(stderr, "event %s %s %llu\n", action, name,
							(unsigned long long)e.diskseq);
					take_event(&e);
				}
				udev_device_unref(d);
			}
			set_queue_file();
		}
		run_queue();
	}
	stats = fopen(argv[i + 1], "we");
	if (stats) {
		fprintf(stats,
			"events %lu\nprobes %lu\nlocked_out %lu\nbusy_open %lu\ndropped %lu\n",
			count.events, count.probes, count.locked_out, count.busy_open,
			count.dropped);
		fclose(stats);
	}
	unlink("/run/udev/control");
	unlink("/run/udev/queue");
	udev_monitor_unref(mon);
	udev_unref(udev);
	return 0;
}
