/*
 * The byte relay behind a CONNECT tunnel: copies what the client sends to
 * the target and what the target sends back, both ways at once, in the
 * connection's own thread with one poll() loop, until either side closes.
 * Each direction has one bounded buffer: it reads from its source only
 * when the buffer is empty and waits for its sink to accept the bytes
 * before reading more, so a slow reader slows its writer instead of
 * growing memory.  It never looks at the bytes (TLS passes through as is)
 * and owns neither socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "httpd.h"

/* A tunnel with no traffic either way this long is closed, like an idle
 * connection. */
#define TUNNEL_IDLE_MS (60 * 1000)
#define TUNNEL_BUF MC_HTTPD_IN_CAP

/* One direction: bytes read from `from`, waiting to be written to `to`. */
struct flow {
	int from, to;
	char *buf;
	size_t off, len;
	int eof;                 /* `from` closed (or failed): nothing more to read */
	unsigned long long sent; /* bytes written to `to` */
};

static int stopping(struct mc_httpd *srv)
{
	int s;

	pthread_mutex_lock(&srv->lock);
	s = srv->stopping;
	pthread_mutex_unlock(&srv->lock);
	return s;
}

/* The poll events flow f wants on fd. */
static short wanted(const struct flow *f, int fd)
{
	short ev = 0;

	if (fd == f->from && f->len == 0 && !f->eof)
		ev |= POLLIN;
	if (fd == f->to && f->len > 0)
		ev |= POLLOUT;
	return ev;
}

/* Move f's bytes on as far as `from_ready`/`to_ready` allow without
 * blocking.  Returns 0, or -1 when the sink failed (the tunnel ends). */
static int step(struct flow *f, int from_ready, int to_ready)
{
	if (f->len == 0 && !f->eof && from_ready) {
		ssize_t n = recv(f->from, f->buf, TUNNEL_BUF, MSG_DONTWAIT);

		if (n > 0) {
			f->off = 0;
			f->len = (size_t)n;
			to_ready = 1; /* try at once; EAGAIN just waits for POLLOUT */
		} else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			f->eof = 1;
		}
	}
	if (f->len > 0 && to_ready) {
		ssize_t w = send(f->to, f->buf + f->off, f->len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w > 0) {
			f->off += (size_t)w;
			f->len -= (size_t)w;
			f->sent += (unsigned long long)w;
		} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

void mc_httpd_tunnel(struct mc_httpd *srv, int client, int target, const char *early,
		     size_t early_len, unsigned long long *up, unsigned long long *down)
{
	const int fd[2] = {client, target};
	struct flow f[2] = {
		{.from = client, .to = target, .buf = mc_httpd_xmalloc(TUNNEL_BUF)},
		{.from = target, .to = client, .buf = mc_httpd_xmalloc(TUNNEL_BUF)},
	};
	int gone[2] = {0, 0}; /* reported POLLHUP/POLLERR: never blocks again, so not polled */

	f[0].len = early_len < TUNNEL_BUF ? early_len : TUNNEL_BUF;
	memcpy(f[0].buf, early, f[0].len);
	/* Either side closing ends the tunnel, once what it sent is delivered. */
	while (!(f[0].eof && f[0].len == 0) && !(f[1].eof && f[1].len == 0) && !stopping(srv)) {
		struct pollfd pfd[2];
		int ready[2], n, now = 0;

		for (int i = 0; i < 2; i++) {
			pfd[i].fd = gone[i] ? -1 : fd[i];
			pfd[i].events = wanted(&f[0], fd[i]) | wanted(&f[1], fd[i]);
			pfd[i].revents = 0;
			/* A gone source with room is read at once (data, EOF or an error). */
			if (gone[i] && wanted(&f[i], fd[i]))
				now = 1;
		}
		n = poll(pfd, 2, now ? 0 : TUNNEL_IDLE_MS);
		if (n == 0 && !now)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].revents & (POLLHUP | POLLERR))
				gone[i] = 1;
			ready[i] = gone[i] || pfd[i].revents != 0;
		}
		if (step(&f[0], ready[0], ready[1]) < 0 || step(&f[1], ready[1], ready[0]) < 0)
			break;
	}
	*up = f[0].sent;
	*down = f[1].sent;
	free(f[0].buf);
	free(f[1].buf);
}
