/* brief.collection._scan: the freshness check's hot loop in C.

   Every `brief` command that reads the index first checks the size and modification time of every brief file.
   In Python that is about 3.5 us per file (a DirEntry and a stat_result built per file); here it is the bare
   system calls, made with the GIL released, and the result comes back as one digest and one Records object
   (formatted as bytes only when asked) rather than 100,000 Python objects. brief/collection/freshness.py holds
   the pure-Python equivalent, which gives the same folders, records, newest time and count
   (tests/test_scanning.py checks it) and is used when this is not built.

   A large folder (past PARALLEL_FROM candidates) is stat-ed while it is still being listed: the calling thread
   lists names into chunks that never move, and one helper thread per further processor (MAX_THREADS in all)
   claims batches of what is listed so far; the lister joins them when the listing ends, and then digests the
   records in listing order, alone. A Walker lists the sub-folders of a walk ahead of it (freshness.py submits
   them as it finds them and takes each listing when it gets there), so that folders of 100 briefs, which have
   no threads of their own, are listed on every processor too. A folder of 100 briefs costs one malloc of names
   and entries.

   freshness.scan() on the shared 2-core VM against the one-thread, one-pass scanner this replaces (whose header
   said helper threads bought nothing on folders of 100 briefs: measured under a load of 4, per folder only),
   medians of 15 rounds in one process, old and new alternating, load 2.2-2.5 (others' work on about 2 cores):
     100,000 briefs in one folder                  182 ->  97 ms   1.87x   (CPU 182 -> 182 ms)
     100,000 in 1,000 folders of 100 (year/month)  158 ->  86 ms   1.83x   (CPU 158 -> 159 ms)
     100,000 in 10,000 folders of 10               254 -> 141 ms   1.81x   (CPU 254 -> 263 ms)
     100,000 in 100 folders of 1,000               132 ->  69 ms   1.93x
     100,000 in 10 folders of 10,000               142 ->  77 ms   1.84x
   With both cores taken by others threads cannot help: per-round ratios 1.00x-1.11x over the five layouts
   (0.92x-1.08x at load 3-4.5 before the helpers had descriptors of their own, when they cost 3-8% more CPU). Helpers that the walk waited
   for at the end of every batch of 64 folders were 0.80x on 10,000 folders under a load of 2.3 (a hundred sleeps
   a scan on helpers not running): hence a walker whose walking thread slept 6-7 times a scan there.
   Two threads measure the same as three or four on 2 cores; the kernel's name lookup (d_lookup_rcu) is a third
   of the CPU time, and a stat costs about 1.15 us whatever the call (statx with a minimal mask the same).
   Listing with getdents64 into a 1 MiB buffer instead of readdir's 32 KiB measured the same (28-29 ms for
   100,000 names): the time is the kernel's, per entry, not per system call. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#define CTIME_SEC(st) ((st).st_ctimespec.tv_sec)
#define CTIME_NSEC(st) ((st).st_ctimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#define CTIME_SEC(st) ((st).st_ctim.tv_sec)
#define CTIME_NSEC(st) ((st).st_ctim.tv_nsec)
#endif

#define MAX_SUFFIXES 16
#define NUMBER_MAX 20 /* the 19 digits of the largest long long, and a NUL */

/* Bytes appended at the end, grown by doubling; one malloc for a folder of 100 briefs. */
typedef struct {
    char *data;
    size_t used, size;
} Buffer;

static char *reserve(Buffer *buffer, size_t n) {
    if (buffer->used + n > buffer->size) {
        size_t size = buffer->size ? buffer->size : 8192;
        while (size < buffer->used + n) size *= 2;
        char *grown = realloc(buffer->data, size);
        if (grown == NULL) return NULL;
        buffer->data = grown;
        buffer->size = size;
    }
    return buffer->data + buffer->used;
}

/* decimal digits and a NUL, without snprintf (three calls per file were a fifth of the time) */
static size_t put_number(char *out, long long value) {
    char digits[NUMBER_MAX];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    for (size_t i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    out[n] = '\0';
    return n + 1;
}

typedef struct {
    const char *text[MAX_SUFFIXES];
    size_t len[MAX_SUFFIXES];
    size_t count;
} Suffixes;

static int has_suffix(const char *name, size_t len, const Suffixes *suffixes) {
    for (size_t i = 0; i < suffixes->count; i++) {
        size_t slen = suffixes->len[i];
        if (slen > len) continue;
        const char *tail = name + len - slen, *s = suffixes->text[i];
        size_t j = 0;
        for (; j < slen; j++) {
            char c = tail[j];
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a'); /* ASCII only, as bytes.lower() */
            if (c != s[j]) break;
        }
        if (j == slen) return 1;
    }
    return 0;
}

/* MurmurHash3's finaliser: a cheap, thoroughly mixing 64-bit permutation */
static uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Not a cryptographic hash: it tells whether a file's name, size or time changed since the last listing,
   where an accidental collision (one chance in 2^64 per changed file) is the only risk. */
static uint64_t record_hash(const char *name, size_t len, long long size, long long mtime) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t word = 0;
        memcpy(&word, name + i, len - i < 8 ? len - i : 8);
        h = (h ^ word) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    h = mix64(h ^ (uint64_t)size);
    return mix64(h ^ (uint64_t)mtime);
}

/* A listed name that may be a brief file, and what its stat said. */
typedef struct {
    const char *name; /* in its chunk's names */
    uint32_t len;
    int found; /* a regular file (or a link to one): size, mtime and hash are set */
    long long size, mtime;
    uint64_t hash;
} Entry;

/* Entries and their names, in listing order; a chunk never moves, so helpers read it while the lister fills the
   next. The first chunk of a folder is small: a folder of 100 briefs costs one malloc of 18 KiB. */
typedef struct Chunk {
    struct Chunk *next;
    size_t capacity, listed, published, claimed; /* published and claimed change under the lock */
    char *names, *names_end, *names_at;
    Entry entries[];
} Chunk;

static void free_chunks(Chunk *chunk) {
    while (chunk != NULL) {
        Chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
}

/* A folder's listing. Its records are not written out here: the chunks are kept, and formatted only if the
   records are asked for (when the digest says something changed). Writing them for every scan, and copying them
   into a bytes object, touched 12 MB of fresh memory at 100,000 briefs: a tenth of the command's CPU went to
   the kernel's zeroing of those pages. */
typedef struct {
    Chunk *chunks;       /* the entries, found or not, in listing order */
    size_t record_bytes; /* the length of the formatted records */
    Buffer folders;
    long long newest;
    size_t files;
    uint64_t lanes[2]; /* two lanes: a 128-bit digest */
    int from_cache;    /* the names came from the caller's cached listing, which still holds */
    Buffer names;      /* else, when the folder has settled: its listing as the cache keeps it (see scan_folder) */
} Listing;

static size_t number_len(long long value) {
    size_t n = 1;
    while (value >= 10) {
        value /= 10;
        n++;
    }
    return n;
}

#define FIRST_ENTRIES 256
#define ENTRIES 2048
#define NAME_BYTES 32 /* per entry, reserved for its name: most names are shorter, a longer one ends a chunk */
#define BATCH 64      /* entries published, and claimed by a thread, at a time */
#define PARALLEL_FROM 1024 /* candidates listed before helper threads start: a folder of 100 briefs has none */
#define MAX_THREADS 4

static Chunk *new_chunk(size_t capacity) {
    size_t names = capacity * NAME_BYTES;
    Chunk *chunk = malloc(sizeof(Chunk) + capacity * sizeof(Entry) + names);
    if (chunk == NULL) return NULL;
    chunk->next = NULL;
    chunk->capacity = capacity;
    chunk->listed = chunk->published = chunk->claimed = 0;
    chunk->names = chunk->names_at = (char *)(chunk->entries + capacity);
    chunk->names_end = chunk->names + names;
    return chunk;
}

/* One folder's entries, stat-ed while the folder is still being listed: the calling thread lists, helper
   threads (in a large folder only) claim batches of what is listed so far, and the lister joins them at the end.
   The records are then digested in listing order by the calling thread alone. */
typedef struct {
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t more;
    Chunk *cursor; /* the chunk the next claim comes from */
    int done, waiting;
} Work;

static void stat_entries(int fd, Entry *entry, size_t n) {
    for (; n > 0; n--, entry++) {
        struct stat st;
        /* a file, or a link: followed, so that a link to a file counts with its target's size and time */
        entry->found = fstatat(fd, entry->name, &st, 0) == 0 && S_ISREG(st.st_mode); /* else vanished: skip */
        if (!entry->found) continue;
        long long size = st.st_size < 0 ? 0 : (long long)st.st_size;
        long long mtime = (long long)MTIME_SEC(st) * 1000000000LL + (long long)MTIME_NSEC(st);
        if (mtime < 0) mtime = 0; /* before 1970: kept simple, the size and name still tell */
        entry->size = size;
        entry->mtime = mtime;
        entry->hash = record_hash(entry->name, entry->len, size, mtime);
    }
}

/* Up to BATCH listed entries not yet claimed, under the lock: how many (0: none for now). */
static size_t claim(Work *work, Entry **first) {
    for (Chunk *chunk = work->cursor; chunk != NULL; chunk = work->cursor = chunk->next) {
        if (chunk->claimed < chunk->published) {
            size_t n = chunk->published - chunk->claimed;
            if (n > BATCH) n = BATCH;
            *first = chunk->entries + chunk->claimed;
            chunk->claimed += n;
            return n;
        }
        if (chunk->next == NULL) break; /* the lister may still add to it */
    }
    return 0;
}

/* Stats what is claimed, through `fd`, until the listing is done and nothing is left. */
static void stat_claimed(Work *work, int fd) {
    pthread_mutex_lock(&work->lock);
    for (;;) {
        Entry *first;
        size_t n = claim(work, &first);
        if (n > 0) {
            pthread_mutex_unlock(&work->lock);
            stat_entries(fd, first, n);
            pthread_mutex_lock(&work->lock);
        } else if (work->done) {
            break;
        } else {
            work->waiting++;
            pthread_cond_wait(&work->more, &work->lock);
            work->waiting--;
        }
    }
    pthread_mutex_unlock(&work->lock);
}

/* A helper stats through a descriptor of its own: in a process with threads every fstatat takes a reference on
   its descriptor's open file, and one shared by two processors bounced between them (100,000 briefs in one
   folder took 8% more CPU with two threads than with one; with a descriptor each, the same CPU as one). */
static void *helper_stats(void *arg) {
    Work *work = arg;
    int fd = openat(work->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    stat_claimed(work, fd >= 0 ? fd : work->fd);
    if (fd >= 0) close(fd);
    return NULL;
}

static void publish(Work *work, Chunk *chunk, Chunk *next, int done) {
    pthread_mutex_lock(&work->lock);
    chunk->published = chunk->listed;
    if (next != NULL) chunk->next = next;
    if (done) work->done = 1;
    if (work->waiting) pthread_cond_broadcast(&work->more);
    pthread_mutex_unlock(&work->lock);
}

/* Threads to run at once: the processors this process may run on, at most MAX_THREADS. */
static int threads_wanted(void) {
    long cpus = 0;
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
#endif
    if (cpus <= 0) cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
}

/* Starts up to `wanted` threads running `run(arg)`, with every signal blocked (Python's handlers belong to its
   own threads) and a small stack: how many started. Fewer is no error: the caller's thread does the rest. */
static int start_threads(pthread_t *threads, int wanted, void *(*run)(void *), void *arg) {
    int started = 0;
    pthread_attr_t attr;
    sigset_t all, old;
    if (wanted <= 0 || pthread_attr_init(&attr) != 0) return 0;
    pthread_attr_setstacksize(&attr, 256 * 1024); /* they call fstatat, or list folders as this thread does */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    while (started < wanted && pthread_create(&threads[started], &attr, run, arg) == 0) started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return started;
}

/* Where a folder's names come from: the folder itself (readdir), or the listing a cache kept of it (KEY_BYTES of
   identity, then the brief files' names and the sub-folders' names, each NUL-terminated, an empty name between
   the two groups). */
typedef struct {
    DIR *dir;
    const char *at, *end;
    int in_folders;
} Source;

/* The next name and its type (DT_UNKNOWN when the file system does not say): 1, or 0 at the end, with errno set
   if the listing failed. */
static int next_name(Source *source, const char **name, unsigned char *type) {
    if (source->dir != NULL) {
        errno = 0;
        struct dirent *entry = readdir(source->dir);
        if (entry == NULL) return 0;
        *name = entry->d_name;
        *type = entry->d_type;
        return 1;
    }
    while (source->at < source->end) {
        const char *at = source->at;
        source->at += strlen(at) + 1; /* checked by valid_names: every name ends before the end */
        if (*at == '\0') {
            source->in_folders = 1;
            continue;
        }
        *name = at;
        *type = source->in_folders ? DT_DIR : DT_REG;
        return 1;
    }
    errno = 0;
    return 0;
}

/* Lists the folder open as `fd` from `source`, with the GIL released: 0, or an errno value. */
static int list_folder(Source *source, int fd, const Suffixes *suffixes, Listing *out) {
    Work work = {.fd = fd, .lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER};
    pthread_t helpers[MAX_THREADS]; /* started once the folder proves large */
    int started = 0, error = 0;
    size_t candidates = 0;
    Chunk *head = new_chunk(FIRST_ENTRIES), *chunk = head;
    if (head == NULL) return ENOMEM;
    work.cursor = head;
    for (;;) {
        const char *name;
        unsigned char type;
        if (!next_name(source, &name, &type)) {
            error = errno;
            break;
        }
        if (name[0] == '.') continue; /* hidden files and folders, and . and .. */
        size_t len = strlen(name);
        if (type == DT_UNKNOWN) { /* the file system did not say: look, without following a link */
            struct stat st;
            if (fstatat(work.fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; /* vanished: skip */
            if (S_ISDIR(st.st_mode)) type = DT_DIR;
            else if (S_ISREG(st.st_mode)) type = DT_REG;
            else if (S_ISLNK(st.st_mode)) type = DT_LNK;
        }
        if (type == DT_DIR) { /* links to folders are not followed (they are DT_LNK): as os.walk */
            char *slot = reserve(&out->folders, len + 1);
            if (slot == NULL) {
                error = ENOMEM;
                break;
            }
            memcpy(slot, name, len + 1);
            out->folders.used += len + 1;
            continue;
        }
        if (type != DT_REG && type != DT_LNK) continue; /* fifos, sockets, devices: never briefs */
        if (!has_suffix(name, len, suffixes)) continue;
        if (chunk->listed == chunk->capacity || (size_t)(chunk->names_end - chunk->names_at) < len + 1) {
            Chunk *next = new_chunk(ENTRIES);
            if (next == NULL) {
                error = ENOMEM;
                break;
            }
            publish(&work, chunk, next, 0);
            chunk = next;
        }
        Entry *slot = chunk->entries + chunk->listed++;
        memcpy(chunk->names_at, name, len + 1);
        slot->name = chunk->names_at;
        slot->len = (uint32_t)len; /* a name is at most NAME_MAX (255) bytes */
        chunk->names_at += len + 1;
        if (++candidates % BATCH != 0) continue;
        if (candidates == PARALLEL_FROM) started = start_threads(helpers, threads_wanted() - 1, helper_stats, &work);
        if (started) publish(&work, chunk, NULL, 0);
    }
    if (error) { /* the helpers stop at the first claim they find none for */
        pthread_mutex_lock(&work.lock);
        work.done = 1;
        work.cursor = NULL;
        pthread_cond_broadcast(&work.more);
        pthread_mutex_unlock(&work.lock);
    } else {
        publish(&work, chunk, NULL, 1);
        stat_claimed(&work, work.fd);
    }
    for (int i = 0; i < started; i++) pthread_join(helpers[i], NULL);
    pthread_mutex_destroy(&work.lock);
    pthread_cond_destroy(&work.more);

    /* the digest, in listing order; the records' length, for the records if they are asked for */
    for (chunk = head; chunk != NULL && !error; chunk = chunk->next) {
        for (size_t i = 0; i < chunk->listed; i++) {
            const Entry *entry = chunk->entries + i;
            if (!entry->found) continue;
            out->record_bytes += entry->len + 3 + number_len(entry->size) + number_len(entry->mtime);
            if (entry->mtime > out->newest) out->newest = entry->mtime;
            out->lanes[0] = mix64(out->lanes[0] ^ entry->hash); /* order matters: a reordered listing is a change */
            out->lanes[1] = mix64(out->lanes[1] + entry->hash * 0x9e3779b97f4a7c15ULL + out->files);
            out->files++;
        }
    }
    if (error) free_chunks(head);
    else out->chunks = head;
    return error;
}

/* The listing cache. A folder's set of names changes only with its modification time (creating, deleting or
   renaming an entry in it sets it; a file edited in place does not, and needs not: its own stat tells). So a
   listing kept with the folder's device, inode, modification and change times (KEY_BYTES) lists the folder
   again as long as all four are unchanged, and the folder's files are stat-ed without listing it: at 100,000
   briefs in one folder, 28 ms of kernel time of the 140 ms the check costs. The change time guards against a
   modification time set back by hand (setting it sets the change time). A listing is kept only when both
   times are older than `settled` (the caller's clock, a few seconds ago): a file system's clock ticks coarsely,
   and a folder changed twice within one tick, around the listing, would otherwise keep its times. */
enum { KEY_DEV, KEY_INO, KEY_MTIME, KEY_CTIME, KEY_FIELDS };
#define KEY_BYTES (KEY_FIELDS * sizeof(int64_t))

static void folder_key(const struct stat *st, int64_t key[KEY_FIELDS]) {
    key[KEY_DEV] = (int64_t)st->st_dev;
    key[KEY_INO] = (int64_t)st->st_ino;
    key[KEY_MTIME] = (int64_t)MTIME_SEC(*st) * 1000000000LL + MTIME_NSEC(*st);
    key[KEY_CTIME] = (int64_t)CTIME_SEC(*st) * 1000000000LL + CTIME_NSEC(*st);
}

/* Whether a kept listing's names are well formed (it comes from a file, which may be damaged): names of at most
   NAME_MAX bytes, none with a slash, each NUL-terminated before the end, one empty name between the groups. */
static int valid_names(const char *at, const char *end) {
    int separators = 0;
    while (at < end) {
        const char *nul = memchr(at, '\0', (size_t)(end - at));
        if (nul == NULL || nul - at > 255 || memchr(at, '/', (size_t)(nul - at)) != NULL) return 0;
        if (nul == at) separators++;
        at = nul + 1;
    }
    return separators == 1;
}

/* The listing just made, as the cache keeps it: the key, the files' names in listing order (vanished ones too:
   they were listed), an empty name, the sub-folders' names. */
static int keep_names(const int64_t key[KEY_FIELDS], Listing *listing) {
    Buffer *out = &listing->names;
    char *slot = reserve(out, KEY_BYTES);
    if (slot == NULL) return ENOMEM;
    memcpy(slot, key, KEY_BYTES);
    out->used += KEY_BYTES;
    for (const Chunk *chunk = listing->chunks; chunk != NULL; chunk = chunk->next) {
        for (size_t i = 0; i < chunk->listed; i++) {
            const Entry *entry = chunk->entries + i;
            if ((slot = reserve(out, entry->len + 1)) == NULL) return ENOMEM;
            memcpy(slot, entry->name, entry->len + 1);
            out->used += entry->len + 1;
        }
    }
    if ((slot = reserve(out, listing->folders.used + 1)) == NULL) return ENOMEM;
    slot[0] = '\0';
    if (listing->folders.used) memcpy(slot + 1, listing->folders.data, listing->folders.used);
    out->used += listing->folders.used + 1;
    return 0;
}

/* Lists the folder at `path`, with the GIL released: 0, or an errno value. `cached` (NULL: none) is the listing
   a cache kept of it, used if it still holds; else the folder is listed, and kept in listing->names if it has
   settled (its times older than `settled`, in ns since the epoch). */
static int scan_folder(const char *path, const Suffixes *suffixes, const char *cached, size_t cached_len,
                       long long settled, Listing *listing) {
    int error, fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    int64_t key[KEY_FIELDS];
    if (fstat(fd, &st) != 0) {
        error = errno;
        close(fd);
        return error;
    }
    folder_key(&st, key);
    if (cached != NULL && cached_len > KEY_BYTES && memcmp(cached, key, KEY_BYTES) == 0 &&
        valid_names(cached + KEY_BYTES, cached + cached_len)) {
        Source source = {.at = cached + KEY_BYTES, .end = cached + cached_len};
        error = list_folder(&source, fd, suffixes, listing);
        listing->from_cache = error == 0;
        close(fd);
        return error;
    }
    DIR *dir = fdopendir(fd); /* which then owns the descriptor */
    if (dir == NULL) {
        error = errno;
        close(fd);
        return error;
    }
    Source source = {.dir = dir};
    error = list_folder(&source, fd, suffixes, listing);
    if (error == 0 && key[KEY_MTIME] < settled && key[KEY_CTIME] < settled) error = keep_names(key, listing);
    closedir(dir);
    return error;
}

static int parse_suffixes(PyObject *suffix_tuple, Suffixes *suffixes) {
    suffixes->count = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(suffix_tuple); i++) {
        PyObject *suffix = PyTuple_GET_ITEM(suffix_tuple, i);
        if (!PyBytes_Check(suffix) || suffixes->count == MAX_SUFFIXES) {
            PyErr_SetString(PyExc_TypeError, "suffixes must be a tuple of at most 16 lower-case bytes");
            return -1;
        }
        suffixes->text[suffixes->count] = PyBytes_AS_STRING(suffix); /* kept alive by the argument tuple */
        suffixes->len[suffixes->count++] = (size_t)PyBytes_GET_SIZE(suffix);
    }
    return 0;
}

static const Listing EMPTY = {.lanes = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL}};

/* A folder's records as stat_folder returns them: bytes(records) formats them (name NUL size NUL mtime_ns NUL per
   file found, in listing order); == compares those bytes, with another Records or with bytes. */
typedef struct {
    PyObject_HEAD
    Chunk *chunks;
    size_t size;
} Records;

static PyObject *records_bytes(Records *r, PyObject *Py_UNUSED(ignored)) {
    PyObject *result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)r->size);
    if (result == NULL) return NULL;
    char *out = PyBytes_AS_STRING(result);
    for (const Chunk *chunk = r->chunks; chunk != NULL; chunk = chunk->next) {
        for (size_t i = 0; i < chunk->listed; i++) {
            const Entry *entry = chunk->entries + i;
            if (!entry->found) continue;
            memcpy(out, entry->name, entry->len + 1);
            out += entry->len + 1;
            out += put_number(out, entry->size);
            out += put_number(out, entry->mtime);
        }
    }
    return result;
}

static PyObject *records_compare(PyObject *self, PyObject *other, int op) {
    if ((op != Py_EQ && op != Py_NE) || !(PyBytes_Check(other) || Py_TYPE(other) == Py_TYPE(self)))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *mine = records_bytes((Records *)self, NULL);
    PyObject *theirs = PyBytes_Check(other) ? Py_NewRef(other) : records_bytes((Records *)other, NULL);
    PyObject *result = mine && theirs ? PyObject_RichCompare(mine, theirs, op) : NULL;
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    return result;
}

static void records_dealloc(Records *r) {
    free_chunks(r->chunks);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyMethodDef records_methods[] = {
    {"__bytes__", (PyCFunction)records_bytes, METH_NOARGS, "The records, formatted."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RecordsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "brief.collection._scan.Records",
    .tp_basicsize = sizeof(Records),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A folder's records, formatted by bytes() when they are needed.",
    .tp_dealloc = (destructor)records_dealloc,
    .tp_richcompare = records_compare,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_methods = records_methods,
};

/* (folders, records, newest, count, digest, kept) of a listing done without error; the records take its chunks.
   `cached` is the kept listing the caller passed (NULL: none). */
static PyObject *listing_tuple(Listing *listing, PyObject *cached) {
    PyObject *folders = PyList_New(0);
    if (folders == NULL) return NULL;
    for (size_t at = 0; at < listing->folders.used;) {
        size_t len = strlen(listing->folders.data + at);
        PyObject *folder = PyBytes_FromStringAndSize(listing->folders.data + at, (Py_ssize_t)len);
        if (folder == NULL || PyList_Append(folders, folder) < 0) {
            Py_XDECREF(folder);
            Py_DECREF(folders);
            return NULL;
        }
        Py_DECREF(folder);
        at += len + 1;
    }
    unsigned char digest[16];
    for (int lane = 0; lane < 2; lane++)
        for (int byte = 0; byte < 8; byte++)
            digest[lane * 8 + byte] = (unsigned char)(listing->lanes[lane] >> (8 * byte));
    Records *records = PyObject_New(Records, &RecordsType);
    if (records == NULL) {
        Py_DECREF(folders);
        return NULL;
    }
    records->chunks = listing->chunks;
    records->size = listing->record_bytes;
    listing->chunks = NULL;
    /* what the cache keeps of this folder now: the listing it had, if it held; a new one; or none */
    const Buffer *names = &listing->names;
    PyObject *kept = listing->from_cache ? Py_NewRef(cached)
                     : names->used       ? PyBytes_FromStringAndSize(names->data, (Py_ssize_t)names->used)
                                         : Py_NewRef(Py_None);
    if (kept == NULL) {
        Py_DECREF(folders);
        Py_DECREF(records);
        return NULL;
    }
    PyObject *result = Py_BuildValue("(NNLny#N)", folders, (PyObject *)records, listing->newest,
                                     (Py_ssize_t)listing->files, (const char *)digest, (Py_ssize_t)16, kept);
    return result;
}

/* A kept listing passed from Python: any bytes-like object (the cache file is mapped, not copied), or None
   (view->obj stays NULL). view->obj is then the object itself, held until PyBuffer_Release. */
static int parse_cached(PyObject *cached, Py_buffer *view) {
    view->obj = NULL;
    view->buf = NULL;
    view->len = 0;
    if (cached == Py_None) return 0;
    return PyObject_GetBuffer(cached, view, PyBUF_SIMPLE);
}

static PyObject *stat_folder(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *path_obj = NULL, *suffix_tuple, *cached = Py_None;
    long long settled = 0;
    if (!PyArg_ParseTuple(args, "O&O!|OL", PyUnicode_FSConverter, &path_obj, &PyTuple_Type, &suffix_tuple, &cached,
                          &settled))
        return NULL;
    Suffixes suffixes;
    Py_buffer kept;
    if (parse_suffixes(suffix_tuple, &suffixes) < 0 || parse_cached(cached, &kept) < 0) {
        Py_DECREF(path_obj);
        return NULL;
    }
    Listing listing = EMPTY;
    int error;
    Py_BEGIN_ALLOW_THREADS
    error = scan_folder(PyBytes_AS_STRING(path_obj), &suffixes, kept.buf, (size_t)kept.len, settled, &listing);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL;
    if (error == ENOMEM) PyErr_NoMemory();
    else if (error != 0) {
        errno = error;
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
    } else result = listing_tuple(&listing, kept.obj);
    PyBuffer_Release(&kept);
    Py_DECREF(path_obj);
    free_chunks(listing.chunks);
    free(listing.folders.data);
    free(listing.names.data);
    return result;
}

/* The folders of a walk, listed ahead by helper threads while the walk (in Python) goes on.

   The walk submits the sub-folders it will visit and takes each listing when it gets there. Helpers list the
   submitted folders most recently submitted first (the walk's own order, as it pops a stack). A take() of a
   folder not yet started lists it there and then; of one a helper is listing, it lists other submitted folders
   meanwhile, and sleeps only when none is left: the walk seldom waits on a helper, which on a loaded machine may
   not be running (waiting at the end of every batch of folders was slower than one thread there). */
enum { QUEUED, RUNNING, DONE, TAKEN };

typedef struct {
    char *path;
    Py_buffer kept; /* the kept listing submitted with it (obj NULL: none), read by a helper without the GIL */
    long long settled;
    int state, error;
    Listing listing;
} Job;

typedef struct {
    PyObject_HEAD
    PyObject *suffix_tuple; /* keeps the suffixes' bytes alive */
    Suffixes suffixes;
    Job **jobs;     /* by id; each job stays where it is, the table may move (under the lock) */
    Job **queue;    /* submitted jobs, the next at the end; those started meanwhile are skipped */
    size_t count, capacity, queued;
    pthread_mutex_t lock;
    pthread_cond_t more, finished;
    pthread_t threads[MAX_THREADS];
    int started, stopping, walk_waits, closed;
} Walker;

/* The next job to list, under the lock, marked RUNNING; NULL if none. */
static Job *next_job(Walker *w) {
    while (w->queued > 0) {
        Job *job = w->queue[--w->queued];
        if (job->state == QUEUED) {
            job->state = RUNNING;
            return job;
        }
    }
    return NULL;
}

static void run_job(Walker *w, Job *job) {
    job->listing = EMPTY;
    job->error =
        scan_folder(job->path, &w->suffixes, job->kept.buf, (size_t)job->kept.len, job->settled, &job->listing);
}

static void *helper(void *arg) {
    Walker *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        Job *job = next_job(w);
        if (job == NULL) {
            pthread_cond_wait(&w->more, &w->lock);
            continue;
        }
        pthread_mutex_unlock(&w->lock);
        run_job(w, job);
        pthread_mutex_lock(&w->lock);
        job->state = DONE;
        if (w->walk_waits) pthread_cond_signal(&w->finished);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* With the GIL held (it drops the job's kept listing). */
static void free_job(Job *job) {
    free_chunks(job->listing.chunks);
    free(job->listing.folders.data);
    free(job->listing.names.data);
    job->listing.chunks = NULL;
    job->listing.folders.data = job->listing.names.data = NULL;
    PyBuffer_Release(&job->kept); /* nothing when there is none, or it was released */
}

static PyObject *walker_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *suffix_tuple;
    static char *keywords[] = {"suffixes", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!", keywords, &PyTuple_Type, &suffix_tuple)) return NULL;
    Walker *w = (Walker *)type->tp_alloc(type, 0);
    if (w == NULL) return NULL;
    w->closed = 1; /* until the lock exists */
    if (parse_suffixes(suffix_tuple, &w->suffixes) < 0) {
        Py_DECREF(w);
        return NULL;
    }
    Py_INCREF(suffix_tuple);
    w->suffix_tuple = suffix_tuple;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->more, NULL);
    pthread_cond_init(&w->finished, NULL);
    w->closed = 0;
    return (PyObject *)w;
}

/* Stops the helpers (each finishes the folder in hand) and frees every listing not taken. */
static PyObject *walker_close(Walker *w, PyObject *Py_UNUSED(ignored)) {
    if (!w->closed) {
        w->closed = 1;
        Py_BEGIN_ALLOW_THREADS
        pthread_mutex_lock(&w->lock);
        w->stopping = 1;
        pthread_cond_broadcast(&w->more);
        pthread_mutex_unlock(&w->lock);
        for (int i = 0; i < w->started; i++) pthread_join(w->threads[i], NULL);
        Py_END_ALLOW_THREADS
        for (size_t i = 0; i < w->count; i++) {
            free_job(w->jobs[i]);
            free(w->jobs[i]->path);
            free(w->jobs[i]);
        }
        free(w->jobs);
        free(w->queue);
        w->jobs = w->queue = NULL;
        w->count = w->capacity = w->queued = 0;
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->more);
        pthread_cond_destroy(&w->finished);
    }
    Py_RETURN_NONE;
}

static void walker_dealloc(Walker *w) {
    PyObject *ignored = walker_close(w, NULL);
    Py_XDECREF(ignored);
    Py_XDECREF(w->suffix_tuple);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

static PyObject *walker_submit(Walker *w, PyObject *args) {
    PyObject *paths, *kept = Py_None;
    long long settled = 0;
    if (!PyArg_ParseTuple(args, "O|OL", &paths, &kept, &settled)) return NULL;
    int listed = kept == Py_None || (PyList_Check(kept) && PyList_GET_SIZE(kept) == PyList_GET_SIZE(paths));
    if (!PyList_Check(paths) || !listed) {
        PyErr_SetString(PyExc_TypeError, "submit() takes a list of paths, and a list of their kept listings");
        return NULL;
    }
    if (w->closed) {
        PyErr_SetString(PyExc_ValueError, "the walker is closed");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(paths);
    size_t first = w->count;
    Job **made = PyMem_Calloc((size_t)n + 1, sizeof(Job *));
    if (made == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) { /* each path encoded and copied before any job is queued */
        PyObject *encoded = NULL;
        if (!PyUnicode_FSConverter(PyList_GET_ITEM(paths, i), &encoded)) goto failed;
        made[i] = calloc(1, sizeof(Job));
        if (made[i] != NULL) made[i]->path = strdup(PyBytes_AS_STRING(encoded));
        Py_DECREF(encoded);
        if (made[i] == NULL || made[i]->path == NULL) {
            PyErr_NoMemory();
            goto failed;
        }
        if (parse_cached(kept == Py_None ? Py_None : PyList_GET_ITEM(kept, i), &made[i]->kept) < 0) goto failed;
        made[i]->settled = settled;
    }
    pthread_mutex_lock(&w->lock);
    if (w->count + (size_t)n > w->capacity) {
        size_t capacity = w->capacity ? w->capacity : 256;
        while (capacity < w->count + (size_t)n) capacity *= 2;
        Job **jobs = realloc(w->jobs, capacity * sizeof(Job *)), **queue = NULL;
        if (jobs != NULL) w->jobs = jobs;
        if (jobs != NULL) queue = realloc(w->queue, capacity * sizeof(Job *));
        if (queue != NULL) w->queue = queue;
        if (jobs == NULL || queue == NULL) {
            pthread_mutex_unlock(&w->lock);
            PyErr_NoMemory();
            goto failed;
        }
        w->capacity = capacity;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        w->jobs[w->count++] = made[i];
        w->queue[w->queued++] = made[i];
    }
    pthread_cond_broadcast(&w->more);
    pthread_mutex_unlock(&w->lock);
    PyMem_Free(made);
    if (w->started == 0 && n > 0) { /* the first folders submitted: start the helpers, once */
        int wanted = threads_wanted() - 1;
        Py_BEGIN_ALLOW_THREADS
        w->started = start_threads(w->threads, wanted, helper, w);
        Py_END_ALLOW_THREADS
        if (w->started == 0) w->started = -1; /* none could start: the walk lists everything itself */
    }
    return PyLong_FromSize_t(first);

failed:
    for (Py_ssize_t i = 0; i < n; i++) {
        if (made[i] != NULL) {
            free(made[i]->path);
            PyBuffer_Release(&made[i]->kept);
        }
        free(made[i]);
    }
    PyMem_Free(made);
    return NULL;
}

static PyObject *walker_take(Walker *w, PyObject *arg) {
    size_t id = PyLong_AsSize_t(arg);
    if (id == (size_t)-1 && PyErr_Occurred()) return NULL;
    if (w->closed || id >= w->count) {
        PyErr_SetString(PyExc_ValueError, "no such folder submitted");
        return NULL;
    }
    Job *job = w->jobs[id]; /* the table moves only in submit(), which holds the GIL as this does */
    int again;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&w->lock);
    again = job->state == TAKEN;
    while (!again && job->state != DONE) {
        if (job->state == QUEUED) { /* nobody started it: list it here */
            job->state = RUNNING;
            pthread_mutex_unlock(&w->lock);
            run_job(w, job);
            pthread_mutex_lock(&w->lock);
            job->state = DONE;
            break;
        }
        Job *other = next_job(w); /* a helper is listing it: list another one meanwhile */
        if (other != NULL) {
            pthread_mutex_unlock(&w->lock);
            run_job(w, other);
            pthread_mutex_lock(&w->lock);
            other->state = DONE;
        } else {
            w->walk_waits = 1;
            pthread_cond_wait(&w->finished, &w->lock);
            w->walk_waits = 0;
        }
    }
    job->state = TAKEN;
    pthread_mutex_unlock(&w->lock);
    Py_END_ALLOW_THREADS
    if (again) {
        PyErr_SetString(PyExc_ValueError, "that folder's listing was taken already");
        return NULL;
    }
    PyObject *result = NULL;
    int error = job->error;
    if (error == ENOMEM) PyErr_NoMemory();
    else if (error != 0) {
        errno = error;
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, job->path);
    } else result = listing_tuple(&job->listing, job->kept.obj);
    free_job(job);
    return result;
}

static PyMethodDef walker_methods[] = {
    {"submit", (PyCFunction)walker_submit, METH_VARARGS,
     "submit(paths, kept=None, settled=0) -> id of the first: folders the walk will visit, listed ahead by helper\n"
     "threads; the ids of the others follow in order. kept: each folder's kept listing or None, and settled, as\n"
     "for stat_folder."},
    {"take", (PyCFunction)walker_take, METH_O,
     "take(id) -> stat_folder()'s listing of that folder, or the OSError it raises; once per folder."},
    {"close", (PyCFunction)walker_close, METH_NOARGS, "close(): stops the helper threads and frees what is left."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WalkerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "brief.collection._scan.Walker",
    .tp_basicsize = sizeof(Walker),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Walker(suffixes): the folders of one walk, listed ahead by helper threads (one fewer than the\n"
              "processors, at most 3), for the one Python thread that walks. Close it when the walk ends.",
    .tp_new = walker_new,
    .tp_dealloc = (destructor)walker_dealloc,
    .tp_methods = walker_methods,
};

static PyMethodDef methods[] = {
    {"stat_folder", stat_folder, METH_VARARGS,
     "stat_folder(path, suffixes, kept=None, settled=0) -> (folders, records, newest_mtime_ns, count, digest, kept)\n\n"
     "The sub-folders (names as bytes; links to folders are not followed) and brief files of one folder, in\n"
     "listing order, hidden names skipped.\n"
     "bytes(records) is name NUL size NUL mtime_ns NUL for every regular file (or link to one) whose name ends,\n"
     "in any ASCII case, with one of `suffixes` (lower-case bytes); count is their number and digest 16 bytes\n"
     "that change when any name, size, time or their order does.\n"
     "kept (a bytes-like object, or None) is the folder's listing as a cache kept it, the `kept` this returned\n"
     "for it before: used instead of listing the folder while its identity and times are unchanged. The `kept`\n"
     "returned is that same object if it was used, a new listing (bytes) if the folder was listed and its times\n"
     "are older than `settled` (ns since the epoch), else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "The freshness check's hot loop.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&WalkerType) < 0 || PyType_Ready(&RecordsType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&WalkerType);
    if (PyModule_AddObject(m, "Walker", (PyObject *)&WalkerType) < 0) {
        Py_DECREF(&WalkerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
