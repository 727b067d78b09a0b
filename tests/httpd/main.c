/*
 * The fixture server's process: options, the 127.0.0.1 listener, one
 * thread per connection (capped; the accept loop waits for a free slot),
 * the port file handshake with tests/lib.sh, and clean shutdown.  A
 * dedicated thread takes SIGTERM/SIGINT with sigwait(); shutdown stops
 * accepting, wakes stalled handlers, shuts every client socket down, joins
 * every thread and frees everything, so the server is leak-free under ASan
 * and exits 0.  Must never listen on anything but the loopback address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpd.h"

#define DEFAULT_MAX_CONNS 1024
/* A connection idle (or a client not reading) this long is dropped, so a
 * vanished client cannot hold a slot forever. */
#define IO_TIMEOUT_SECS 60
#define THREAD_STACK (256 * 1024)
/* Lingering close: read and drop at most this much, waiting at most this
 * long for each piece. */
#define LINGER_MAX_BYTES (1024 * 1024)
#define LINGER_MS 500

struct slot {
	struct mc_httpd *srv;
	struct listener *l;
	pthread_t tid;
	int started; /* tid is a thread not yet joined; only the main thread uses this */
	int running; /* guarded by srv->lock: the thread still owns the slot */
	int fd;      /* guarded by srv->lock: -1 once the thread has closed it */
};

/* The accept side; its fields are guarded by srv->lock. */
struct listener {
	struct slot *slots;
	size_t max;
	size_t running;
	pthread_cond_t slot_free;
	int wake[2]; /* the signal thread writes here to wake poll() */
};

struct options {
	const char *root;
	const char *port_file;
	const char *log_file;
	unsigned port;
	unsigned fail503;
	unsigned long long seed;
	size_t max_conns;
	const char *proxy_auth; /* --proxy-auth USER:PASS */
	unsigned stall_ms;
};

static void die_oom(void)
{
	static const char msg[] = "httpd: out of memory\n";

	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(1);
	_exit(1);
}

void *mc_httpd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *mc_httpd_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

char *mc_httpd_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die_oom();
	return p;
}

char *mc_httpd_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom();
	p = mc_httpd_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void usage(FILE *f)
{
	fputs("usage: httpd -r ROOT [-p PORTFILE] [--port N] [-l LOGFILE]\n"
	      "             [--fail503 PCT] [--seed N] [--max-conns N]\n"
	      "             [--proxy-auth USER:PASS] [--stall MS]\n"
	      "Serves ROOT over HTTP/1.1 on 127.0.0.1 (ephemeral port unless --port),\n"
	      "with fault modes under /fault/.  The port is written to PORTFILE (or\n"
	      "stdout).  See docs/fixture-server.md.\n",
	      f);
}

static int parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'},
		{"port-file", required_argument, NULL, 'p'},
		{"log", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'P'},
		{"fail503", required_argument, NULL, 'f'},
		{"seed", required_argument, NULL, 's'},
		{"max-conns", required_argument, NULL, 'm'},
		{"proxy-auth", required_argument, NULL, 'A'},
		{"stall", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long long v;
	int ch;

	memset(o, 0, sizeof *o);
	o->max_conns = DEFAULT_MAX_CONNS;
	for (;;) {
		ch = getopt_long(argc, argv, "r:p:l:h", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'r':
			o->root = optarg;
			break;
		case 'p':
			o->port_file = optarg;
			break;
		case 'l':
			o->log_file = optarg;
			break;
		case 'P':
			if (parse_ull(optarg, 65535, &v) < 0)
				goto bad;
			o->port = (unsigned)v;
			break;
		case 'f':
			if (parse_ull(optarg, 100, &v) < 0)
				goto bad;
			o->fail503 = (unsigned)v;
			break;
		case 's':
			if (parse_ull(optarg, ULLONG_MAX, &v) < 0)
				goto bad;
			o->seed = v;
			break;
		case 'm':
			if (parse_ull(optarg, 100000, &v) < 0 || v == 0)
				goto bad;
			o->max_conns = (size_t)v;
			break;
		case 'A':
			if (!strchr(optarg, ':'))
				goto bad;
			o->proxy_auth = optarg;
			break;
		case 'S':
			if (parse_ull(optarg, 3600000, &v) < 0)
				goto bad;
			o->stall_ms = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->root) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "httpd: bad value \"%s\" for --%s\n", optarg,
		ch == 'P' ? "port" : ch == 'f' ? "fail503" : ch == 's' ? "seed" :
		ch == 'A' ? "proxy-auth (USER:PASS)" : ch == 'S' ? "stall" : "max-conns");
	return -1;
}

/* Bind 127.0.0.1:port and listen; returns the fd and the bound port. */
static int open_listener(unsigned port, unsigned *bound)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fprintf(stderr, "httpd: socket: %s\n", strerror(errno));
		return -1;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "httpd: cannot listen on 127.0.0.1:%u: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* Write the port to `path` atomically (tmp file + rename), or to stdout. */
static int announce_port(const char *path, unsigned port)
{
	char *tmp;
	FILE *f;
	int rc = -1;

	if (!path) {
		printf("%u\n", port);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	tmp = mc_httpd_xasprintf("%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		goto out;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		fprintf(stderr, "httpd: cannot write the port file %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/*
 * Before closing, send FIN and read what the client still sends for a
 * moment: closing a socket with unread input makes the kernel send RST,
 * which can destroy the response (e.g. a 431 or 400 written while the
 * client was still sending its request).  Apache's lingering close.
 */
static void lingering_close(struct mc_httpd *srv, int fd)
{
	char scratch[4096];
	size_t total = 0;

	if (shutdown(fd, SHUT_WR) < 0)
		return;
	while (total < LINGER_MAX_BYTES) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		int stopping;

		pthread_mutex_lock(&srv->lock);
		stopping = srv->stopping;
		pthread_mutex_unlock(&srv->lock);
		if (stopping || poll(&pfd, 1, LINGER_MS) <= 0)
			return;
		n = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
		if (n <= 0)
			return;
		total += (size_t)n;
	}
}

static void *connection_thread(void *arg)
{
	struct slot *s = arg;
	struct mc_httpd *srv = s->srv;
	enum mc_httpd_next how = mc_httpd_conn_serve(srv, s->fd);

	if (how == MC_HTTPD_RESET) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	} else {
		lingering_close(srv, s->fd);
	}
	/* Closed under the lock so shutdown never touches a reused fd. */
	pthread_mutex_lock(&srv->lock);
	close(s->fd);
	s->fd = -1;
	s->running = 0;
	s->l->running--;
	pthread_cond_signal(&s->l->slot_free);
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

static void tune_socket(int fd)
{
	struct timeval tv = {.tv_sec = IO_TIMEOUT_SECS};
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Hand `fd` to a new thread, waiting for a free slot.  Takes ownership of
 * fd.  Returns -1 when the server is stopping. */
static int start_connection(struct mc_httpd *srv, struct listener *l, int fd,
			    const pthread_attr_t *attr)
{
	struct slot *s = NULL;
	int rc;

	pthread_mutex_lock(&srv->lock);
	while (l->running == l->max && !srv->stopping)
		pthread_cond_wait(&l->slot_free, &srv->lock);
	if (srv->stopping) {
		pthread_mutex_unlock(&srv->lock);
		close(fd);
		return -1;
	}
	/* running < max, so a slot is free. */
	for (size_t i = 0; i < l->max && !s; i++)
		if (!l->slots[i].running)
			s = &l->slots[i];
	if (s->started)
		pthread_join(s->tid, NULL); /* it has unlocked and is returning */
	s->started = 0;
	s->running = 1;
	s->fd = fd;
	l->running++;
	rc = pthread_create(&s->tid, attr, connection_thread, s);
	if (rc == 0) {
		s->started = 1;
	} else {
		fprintf(stderr, "httpd: cannot start a thread: %s\n", strerror(rc));
		s->running = 0;
		s->fd = -1;
		l->running--;
		close(fd);
	}
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

struct signal_ctx {
	struct mc_httpd *srv;
	struct listener *l;
	sigset_t set;
	int fired; /* a signal arrived (guarded by srv->lock) */
};

/* Waits for SIGTERM/SIGINT, then tells everyone to stop. */
static void *signal_thread(void *arg)
{
	struct signal_ctx *ctx = arg;
	int sig;

	sigwait(&ctx->set, &sig);
	pthread_mutex_lock(&ctx->srv->lock);
	ctx->fired = 1;
	ctx->srv->stopping = 1;
	pthread_cond_broadcast(&ctx->srv->stop_cv);
	pthread_cond_broadcast(&ctx->l->slot_free);
	pthread_mutex_unlock(&ctx->srv->lock);
	if (write(ctx->l->wake[1], "x", 1) < 0)
		fprintf(stderr, "httpd: cannot wake the accept loop: %s\n", strerror(errno));
	return NULL;
}

/* Accept until stopping.  Returns 0, or -1 on a fatal accept error. */
static int accept_loop(struct mc_httpd *srv, struct listener *l, int lfd)
{
	pthread_attr_t attr;
	int rc = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (;;) {
		struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN}, {.fd = l->wake[0], .events = POLLIN}};
		int fd;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "httpd: poll: %s\n", strerror(errno));
			rc = -1;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				mc_httpd_pause(srv, 10);
			else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
				fprintf(stderr, "httpd: accept: %s\n", strerror(errno));
			continue;
		}
		tune_socket(fd);
		if (start_connection(srv, l, fd, &attr) < 0)
			break;
	}
	pthread_attr_destroy(&attr);
	return rc;
}

/* Stop every connection and join every thread. */
static void drain(struct mc_httpd *srv, struct listener *l)
{
	pthread_mutex_lock(&srv->lock);
	srv->stopping = 1;
	pthread_cond_broadcast(&srv->stop_cv);
	for (size_t i = 0; i < l->max; i++)
		if (l->slots[i].running && l->slots[i].fd >= 0)
			shutdown(l->slots[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&srv->lock);
	for (size_t i = 0; i < l->max; i++) {
		if (l->slots[i].started)
			pthread_join(l->slots[i].tid, NULL);
		l->slots[i].started = 0;
	}
}

static int open_root(const char *root, char **out)
{
	char *real = realpath(root, NULL);
	struct stat st;

	if (!real || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "httpd: %s is not a directory\n", root);
		free(real);
		return -1;
	}
	if (strcmp(real, "/") == 0)
		real[0] = '\0'; /* paths are appended as "/..." */
	*out = real;
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct mc_httpd srv;
	struct listener l;
	struct signal_ctx sig;
	pthread_condattr_t ca;
	pthread_t sig_tid;
	unsigned port;
	int lfd = -1, rc = 1, sig_started = 0;

	memset(&srv, 0, sizeof srv);
	memset(&l, 0, sizeof l);
	srv.log_fd = -1;
	l.wake[0] = l.wake[1] = -1;
	if (parse_options(argc, argv, &o) < 0)
		return 2;
	srv.fail503_pct = o.fail503;
	srv.seed = o.seed;
	srv.stall_ms = o.stall_ms;
	if (o.proxy_auth)
		mc_httpd_proxy_set_auth(&srv, o.proxy_auth);
	atomic_init(&srv.fail503_seq, 0);
	pthread_mutex_init(&srv.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv.stop_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&l.slot_free, NULL);
	l.max = o.max_conns;
	l.slots = mc_httpd_xcalloc(l.max, sizeof *l.slots);
	for (size_t i = 0; i < l.max; i++) {
		l.slots[i].srv = &srv;
		l.slots[i].l = &l;
		l.slots[i].fd = -1;
	}

	/* Every thread inherits this mask; only the signal thread takes them. */
	sigemptyset(&sig.set);
	sigaddset(&sig.set, SIGTERM);
	sigaddset(&sig.set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sig.set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (open_root(o.root, &srv.root) < 0)
		goto out;
	if (o.log_file) {
		srv.log_fd = open(o.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (srv.log_fd < 0) {
			fprintf(stderr, "httpd: cannot open the log %s: %s\n", o.log_file, strerror(errno));
			goto out;
		}
	}
	if (pipe2(l.wake, O_CLOEXEC) < 0) {
		fprintf(stderr, "httpd: pipe: %s\n", strerror(errno));
		goto out;
	}
	lfd = open_listener(o.port, &port);
	if (lfd < 0)
		goto out;
	sig.srv = &srv;
	sig.l = &l;
	sig.fired = 0;
	if (pthread_create(&sig_tid, NULL, signal_thread, &sig) != 0) {
		fprintf(stderr, "httpd: cannot start the signal thread\n");
		goto out;
	}
	sig_started = 1;
	if (announce_port(o.port_file, port) < 0)
		goto out;
	if (accept_loop(&srv, &l, lfd) < 0)
		goto out;
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	drain(&srv, &l);
	if (sig_started) {
		pthread_mutex_lock(&srv.lock);
		if (!sig.fired)
			pthread_kill(sig_tid, SIGTERM);
		pthread_mutex_unlock(&srv.lock);
		pthread_join(sig_tid, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (l.wake[i] >= 0)
			close(l.wake[i]);
	if (srv.log_fd >= 0)
		close(srv.log_fd);
	mc_httpd_faults_release(&srv);
	mc_httpd_proxy_release(&srv);
	free(l.slots);
	free(srv.root);
	pthread_cond_destroy(&l.slot_free);
	pthread_cond_destroy(&srv.stop_cv);
	pthread_mutex_destroy(&srv.lock);
	return rc;
}
