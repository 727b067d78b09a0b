/*
 * The test HTTP fixture server (build/tests/httpd): a small HTTP/1.1 server
 * on 127.0.0.1 that serves a directory and answers /fault/... paths with
 * deliberately broken responses, so the crawler's failure paths are
 * exercised against real sockets.  It also checks what the crawler sends:
 * FILE.rules sidecars refuse requests without a required method, header,
 * cookie or body, and /echo answers with the request as JSON.  It is a test tool, linked with libc and
 * pthreads only: it never links the marketcrawl objects, so it carries its
 * own tiny allocation helpers with the same out-of-memory policy (print a
 * line and exit 1; callers never check for NULL).
 *
 * Modules: main.c (options, listener, one thread per connection, signals),
 * http.c (request parsing, response writing, request log), files.c (static
 * files, MIME types, FILE.headers sidecars), rules.c (FILE.rules sidecars),
 * echo.c (/echo), proxy.c (absolute-form requests and CONNECT: the server
 * as a proxy), tunnel.c (the byte relay of a CONNECT tunnel), faults.c (the /fault/ table, the global --fail503 mode and the router).  docs/fixture-server.md is the user manual.
 */
#ifndef MC_HTTPD_H
#define MC_HTTPD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Server-wide state, shared by every connection thread. */
struct mc_httpd {
	char *root;           /* served directory, absolute, no trailing '/' */
	int log_fd;           /* request log opened O_APPEND, or -1 */
	unsigned fail503_pct; /* 0..100, --fail503 */
	uint64_t seed;        /* --seed */
	atomic_uint_fast64_t fail503_seq; /* order of requests subject to --fail503 */

	pthread_mutex_t lock;    /* guards everything below */
	pthread_cond_t stop_cv;  /* CLOCK_MONOTONIC; broadcast when stopping */
	int stopping;
	struct mc_httpd_flaky *flaky; /* attempts per /fault/flaky/ URL */
	struct mc_httpd_inflight *inflight; /* proxied requests in flight per Host */

	/* Proxy mode (proxy.c), read-only once serving. */
	char *proxy_auth;     /* "Basic BASE64(user:pass)" a proxied request must carry, or NULL */
	unsigned stall_ms;    /* --stall: wait this long before answering a proxied request */
};

/* One client connection; owned by its thread. */
struct mc_httpd_conn {
	struct mc_httpd *srv;
	int fd;
	char *in;       /* received bytes, capacity MC_HTTPD_IN_CAP */
	size_t in_len;
	size_t in_off;  /* start of the next unparsed request */
	char *out;      /* pending response bytes, capacity MC_HTTPD_OUT_CAP */
	size_t out_len;
};

#define MC_HTTPD_IN_CAP (64 * 1024)
#define MC_HTTPD_OUT_CAP (64 * 1024)

#define MC_HTTPD_MAX_REQ_HEADERS 64

/* One parsed request; strings are owned by the request. */
struct mc_httpd_req {
	char method[16];
	size_t nhdr;       /* request headers in order, names and values as sent */
	char *hname[MC_HTTPD_MAX_REQ_HEADERS];
	char *hvalue[MC_HTTPD_MAX_REQ_HEADERS];
	char *body;        /* the request body (NUL-terminated copy), or NULL */
	size_t body_len;
	char *target;      /* request-target exactly as received (for the log) */
	char *path;        /* percent-decoded path, starts with '/' */
	const char *query; /* raw query string (after '?') inside target, or NULL */
	int head;          /* HEAD: send the headers GET would, no body */
	int keep_alive;    /* a handler that will close the connection clears it */
	int logged;        /* the log line is written (once per request) */
	int proxied;       /* absolute-form target: a request to a proxy */
	const char *proxy_host; /* proxied: its Host header (borrowed), for the log */
	int inflight;      /* proxied: requests for that Host in flight, this one included */
};

#define MC_HTTPD_MAX_HEADERS 32

/* Response headers being built; names and values are owned copies. */
struct mc_httpd_resp {
	int status;
	size_t nhdr;
	char *name[MC_HTTPD_MAX_HEADERS];
	char *value[MC_HTTPD_MAX_HEADERS];
};

/* What the connection does after a handler returns. */
enum mc_httpd_next {
	MC_HTTPD_KEEP,  /* next request (if req->keep_alive) */
	MC_HTTPD_CLOSE, /* close normally (FIN) */
	MC_HTTPD_RESET  /* close with RST (SO_LINGER 0) */
};

/* Allocation: exit(1) with a message on out-of-memory, never NULL. */
void *mc_httpd_xmalloc(size_t n);
void *mc_httpd_xcalloc(size_t count, size_t size);
char *mc_httpd_xstrdup(const char *s);
char *mc_httpd_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* http.c ---------------------------------------------------------------- */

/* Serve requests on `fd` until the peer closes, an error, or shutdown.
 * Does not close `fd`; returns MC_HTTPD_CLOSE or MC_HTTPD_RESET to tell
 * the caller how to close it. */
enum mc_httpd_next mc_httpd_conn_serve(struct mc_httpd *srv, int fd);

/* The standard reason phrase for `status` ("Unknown" when none). */
const char *mc_httpd_reason(int status);

void mc_httpd_resp_init(struct mc_httpd_resp *r, int status);
void mc_httpd_resp_release(struct mc_httpd_resp *r);
/* Add a header, or replace the value of one with the same name (case
 * insensitive).  Returns 0, or -1 when the table is full. */
int mc_httpd_resp_set(struct mc_httpd_resp *r, const char *name, const char *value);
/* Add a header even when one of that name exists (Set-Cookie).  0 or -1. */
int mc_httpd_resp_add(struct mc_httpd_resp *r, const char *name, const char *value);

/* The value of the `nth` (0-based) request header called `name` (case
 * insensitive), or NULL. */
const char *mc_httpd_req_header(const struct mc_httpd_req *req, const char *name, size_t nth);

/*
 * Append one line "METHOD TARGET STATUS BYTES" to the request log (if any),
 * once per request (later calls do nothing).  `bytes` is the body size the
 * response carries, -1 for an unbounded body (logged as "-"); a HEAD
 * request always logs 0.  Called as
 * soon as the answer is decided, before any stall and before the first byte
 * is sent, so a client that has seen a response can read its log line.
 */
void mc_httpd_log(struct mc_httpd_conn *c, struct mc_httpd_req *req, int status,
		  long long bytes);
/*
 * The one log line of a CONNECT tunnel, written when it has closed:
 * "CONNECT TARGET 200 UP DOWN proxied Host=HOST inflight=N", UP the bytes
 * relayed from the client to the target, DOWN those relayed back.  Marks
 * req logged.
 */
void mc_httpd_log_tunnel(struct mc_httpd_conn *c, struct mc_httpd_req *req,
			 unsigned long long up, unsigned long long down);

/*
 * Log the request and queue the status line and headers: r's headers plus
 * Date, Server, Connection (from req->keep_alive) and, when
 * content_length >= 0, Content-Length.  `body` is what the log records
 * (see mc_httpd_log).  Nothing is sent until mc_httpd_flush() or a
 * large mc_httpd_write().  Returns 0 or -1.
 */
int mc_httpd_send_head(struct mc_httpd_conn *c, struct mc_httpd_req *req,
		       const struct mc_httpd_resp *r, long long content_length, long long body);
/* Queue bytes after the head, sending when the buffer fills.  0 or -1. */
int mc_httpd_write(struct mc_httpd_conn *c, const void *p, size_t n);
/* Send everything queued; `more` hints that more data follows at once
 * (MSG_MORE).  0 or -1 (peer gone, send timeout). */
int mc_httpd_flush(struct mc_httpd_conn *c, int more);

/* A complete response with a small in-memory body (omitted for HEAD).
 * `ctype` may be NULL (no Content-Type).  Returns KEEP or CLOSE. */
enum mc_httpd_next mc_httpd_respond(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				    int status, const char *ctype, const char *body, size_t len);

/* Percent-decode n bytes of s into a new string; NULL on a bad escape or
 * an encoded NUL.  '+' stays '+'.  Caller frees. */
char *mc_httpd_percent_decode(const char *s, size_t n);

/* Wait `ms` milliseconds; returns 0, or -1 at once when the server stops. */
int mc_httpd_pause(struct mc_httpd *srv, long ms);

/* files.c --------------------------------------------------------------- */

/* Serve ROOT/path (decoded, starts with '/'), with its sidecars. */
enum mc_httpd_next mc_httpd_serve_file(struct mc_httpd_conn *c, struct mc_httpd_req *req,
				       const char *path);

/* rules.c --------------------------------------------------------------- */

/* What checking a FILE.rules sidecar decided. */
struct mc_httpd_verdict {
	int status;        /* 0: every rule holds; else the status to answer */
	char reason[256];  /* for the body and, for a bad sidecar (500), stderr */
	char allow[64];    /* with 405: the methods the rules allow */
};

/*
 * Check the request against `rules_path` (FILE.rules) if it exists: the
 * rules' directory is `dir` (for Body-File).  Fills `v`; v->status 0 means
 * serve the file.
 */
void mc_httpd_check_rules(const struct mc_httpd_req *req, const char *rules_path, const char *dir,
			  struct mc_httpd_verdict *v);

/* echo.c ---------------------------------------------------------------- */

/* /echo and /echo/...: the request (method, target, headers, cookies,
 * body) as a JSON object. */
enum mc_httpd_next mc_httpd_echo(struct mc_httpd_conn *c, struct mc_httpd_req *req);

/* proxy.c --------------------------------------------------------------- */

/* --proxy-auth USER:PASS: proxied requests must carry it (Basic). */
void mc_httpd_proxy_set_auth(struct mc_httpd *srv, const char *user_pass);
/* A proxied request: 407 without the credentials (when required), else
 * after --stall the answer mc_httpd_route gives for its path. */
enum mc_httpd_next mc_httpd_proxy_serve(struct mc_httpd_conn *c, struct mc_httpd_req *req);
/*
 * CONNECT HOST:PORT: 407 without the credentials (when required), 400 for a
 * target that is not HOST:PORT, 403 unless HOST is 127.0.0.1 or localhost
 * (it never connects off the machine), 502 when nothing listens there;
 * else, after --stall, "200 Connection established" and the bytes relayed
 * both ways until either side closes (CLOSE).  The tunnel's log line is
 * written when it ends.
 */
enum mc_httpd_next mc_httpd_proxy_connect(struct mc_httpd_conn *c, struct mc_httpd_req *req);
/* Free the proxy-mode state. */
void mc_httpd_proxy_release(struct mc_httpd *srv);

/* tunnel.c -------------------------------------------------------------- */

/*
 * Relay bytes between the sockets `client` and `target` both ways until
 * either side closes (what it sent is delivered first), a write fails, 60 s
 * pass without traffic, or the server stops.  `early` (early_len <=
 * MC_HTTPD_IN_CAP bytes, borrowed) is what the client sent after its
 * CONNECT, sent to the target first.  Sets *up and *down to the bytes
 * written to the target and to the client.  Closes neither socket.
 */
void mc_httpd_tunnel(struct mc_httpd *srv, int client, int target, const char *early,
		     size_t early_len, unsigned long long *up, unsigned long long *down);

/* faults.c -------------------------------------------------------------- */

/* Answer a well-formed GET/HEAD/POST: --fail503, then /fault/..., /echo,
 * then files. */
enum mc_httpd_next mc_httpd_route(struct mc_httpd_conn *c, struct mc_httpd_req *req);
/* Free the per-URL /fault/flaky/ counters. */
void mc_httpd_faults_release(struct mc_httpd *srv);

#endif
