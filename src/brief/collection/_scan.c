/* brief._scan: the freshness check's hot loop in C.

   Every `brief` command that reads the index first checks the size and modification time of every brief file.
   In Python that is about 3.5 us per file on a 2-core VM (a DirEntry and a stat_result built per file); here it
   is the bare system calls, spread over a few threads with the GIL released, and the result comes back as one
   bytes object rather than 100,000 Python objects. brief/scanning.py holds the pure-Python equivalent, which
   gives byte-for-byte the same result (tests/test_scanning.py checks it) and is used when this is not built. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>

#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

#define MAX_THREADS 8
#define MAX_SUFFIXES 16
#define MIN_PER_THREAD 1024 /* entries listed before a helper thread is worth starting */
#define BATCH 256           /* entries handed to a thread at a time */
#define CHUNK_BITS 12       /* entries live in chunks that never move while threads read them */
#define CHUNK (1u << CHUNK_BITS)
#define MAX_CHUNKS (1u << 16) /* 268 million entries in one folder */
#define ARENA_BLOCK (1u << 20)

enum { K_DIR = 1, K_FILE = 2, K_LINK = 3, K_UNKNOWN = 4 }; /* what readdir said */
enum { R_SKIP = 0, R_DIR = 1, R_FILE = 2 };                /* what the entry turned out to be */

typedef struct {
    const char *name;
    unsigned char kind, result, wanted;
    long long size, mtime;
    uint64_t hash; /* of name, size and time: the listing's digest is made of these, in listing order */
} Item;

/* One folder's listing, stat-ed while it is still being read: the calling thread lists, helper threads take
   batches of the entries listed so far, and the lister joins them when the listing is done. */
typedef struct {
    int dirfd;
    Item **chunks;
    size_t count;            /* entries listed (written under the lock once their batch is complete) */
    size_t next;             /* first entry not yet handed out */
    int done;                /* the listing is complete */
    pthread_mutex_t lock;
    pthread_cond_t more;
} Work;

static Item *item_at(Work *work, size_t i) { return &work->chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]; }

/* decimal digits of a non-negative number, without snprintf (three calls per file were a fifth of the time) */
static size_t digits(long long value) {
    size_t n = 1;
    while (value >= 10) {
        value /= 10;
        n++;
    }
    return n;
}

static char *put_number(char *out, long long value) {
    size_t n = digits(value);
    for (size_t i = n; i > 0; i--) {
        out[i - 1] = (char)('0' + value % 10);
        value /= 10;
    }
    out[n] = '\0';
    return out + n + 1;
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
static uint64_t record_hash(const char *name, long long size, long long mtime) {
    size_t len = strlen(name);
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

/* Links to files are followed (their target's size and time count), links to folders are not: as os.walk,
   and so `brief validate`, git and ripgrep do. Entries whose type readdir did not give are looked at first. */
static void stat_item(int dirfd, Item *item) {
    struct stat st;
    unsigned char kind = item->kind;
    if (kind == K_UNKNOWN) {
        if (fstatat(dirfd, item->name, &st, AT_SYMLINK_NOFOLLOW) != 0) return; /* vanished: skip */
        if (S_ISDIR(st.st_mode)) kind = K_DIR;
        else if (S_ISLNK(st.st_mode)) kind = K_LINK;
        else if (S_ISREG(st.st_mode)) kind = K_FILE;
        else return;
    }
    if (kind == K_DIR) {
        item->result = R_DIR;
        return;
    }
    if (!item->wanted) return;
    if (fstatat(dirfd, item->name, &st, 0) != 0 || !S_ISREG(st.st_mode)) return;
    item->result = R_FILE;
    item->size = st.st_size < 0 ? 0 : (long long)st.st_size;
    item->mtime = (long long)MTIME_SEC(st) * 1000000000LL + (long long)MTIME_NSEC(st);
    if (item->mtime < 0) item->mtime = 0; /* before 1970: kept simple, the size and name still tell */
    item->hash = record_hash(item->name, item->size, item->mtime);
}

static void *stat_worker(void *arg) {
    Work *work = arg;
    for (;;) {
        pthread_mutex_lock(&work->lock);
        while (work->next >= work->count && !work->done) pthread_cond_wait(&work->more, &work->lock);
        if (work->next >= work->count) { /* and done */
            pthread_mutex_unlock(&work->lock);
            return NULL;
        }
        size_t begin = work->next, end = work->count < begin + BATCH ? work->count : begin + BATCH;
        work->next = end;
        pthread_mutex_unlock(&work->lock);
        for (size_t i = begin; i < end; i++) stat_item(work->dirfd, item_at(work, i));
    }
}

static void publish(Work *work, size_t count, int done, int abandon) {
    pthread_mutex_lock(&work->lock);
    work->count = abandon ? work->next : count; /* abandoned: hand out nothing more */
    work->done = done;
    pthread_cond_broadcast(&work->more);
    pthread_mutex_unlock(&work->lock);
}

static PyObject *stat_folder(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *path_obj = NULL, *suffix_tuple;
    int threads;
    if (!PyArg_ParseTuple(args, "O&O!i", PyUnicode_FSConverter, &path_obj, &PyTuple_Type, &suffix_tuple, &threads))
        return NULL;
    Suffixes suffixes = {.count = 0};
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(suffix_tuple); i++) {
        PyObject *suffix = PyTuple_GET_ITEM(suffix_tuple, i);
        if (!PyBytes_Check(suffix) || suffixes.count == MAX_SUFFIXES) {
            Py_DECREF(path_obj);
            PyErr_SetString(PyExc_TypeError, "suffixes must be a tuple of at most 16 lower-case bytes");
            return NULL;
        }
        suffixes.text[suffixes.count] = PyBytes_AS_STRING(suffix); /* kept alive by the argument tuple */
        suffixes.len[suffixes.count++] = (size_t)PyBytes_GET_SIZE(suffix);
    }
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;

    int dirfd = open(PyBytes_AS_STRING(path_obj), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        Py_DECREF(path_obj);
        return NULL;
    }
    int listfd = dup(dirfd); /* fdopendir takes ownership of its descriptor; stats use the other */
    DIR *dir = listfd < 0 ? NULL : fdopendir(listfd);
    Item **chunks = calloc(MAX_CHUNKS, sizeof(Item *));
    char **blocks = NULL; /* the names, in blocks that never move */
    if (dir == NULL || chunks == NULL) {
        int error = errno;
        if (dir != NULL) closedir(dir);
        else if (listfd >= 0) close(listfd);
        close(dirfd);
        free(chunks);
        if (error == ENOMEM) PyErr_NoMemory();
        else {
            errno = error;
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        }
        Py_DECREF(path_obj);
        return NULL;
    }

    Work work = {.dirfd = dirfd, .chunks = chunks};
    pthread_mutex_init(&work.lock, NULL);
    pthread_cond_init(&work.more, NULL);
    pthread_t helpers[MAX_THREADS];
    int started = 0;
    size_t count = 0, block_count = 0, block_used = ARENA_BLOCK;
    int failed = 0, list_errno = 0;

    Py_BEGIN_ALLOW_THREADS
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(dir);
        if (entry == NULL) {
            list_errno = errno;
            break;
        }
        const char *name = entry->d_name;
        if (name[0] == '.') continue; /* hidden files and folders, and . and .. */
        size_t len = strlen(name);
        unsigned char kind;
#ifdef DT_DIR
        if (entry->d_type == DT_DIR) kind = K_DIR;
        else if (entry->d_type == DT_REG) kind = K_FILE;
        else if (entry->d_type == DT_LNK) kind = K_LINK;
        else if (entry->d_type == DT_UNKNOWN) kind = K_UNKNOWN;
        else continue; /* fifos, sockets, devices: never briefs */
#else
        kind = K_UNKNOWN;
#endif
        int wanted = has_suffix(name, len, &suffixes);
        if ((kind == K_FILE || kind == K_LINK) && !wanted) continue;
        if ((count >> CHUNK_BITS) >= MAX_CHUNKS) { failed = 1; break; }
        if ((count & (CHUNK - 1)) == 0 && chunks[count >> CHUNK_BITS] == NULL) {
            chunks[count >> CHUNK_BITS] = malloc(CHUNK * sizeof(Item));
            if (chunks[count >> CHUNK_BITS] == NULL) { failed = 1; break; }
        }
        if (block_used + len + 1 > ARENA_BLOCK) {
            char **grown = realloc(blocks, (block_count + 1) * sizeof(char *)); /* only this thread reads it */
            if (grown == NULL) { failed = 1; break; }
            blocks = grown;
            blocks[block_count] = malloc(len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK);
            if (blocks[block_count] == NULL) { failed = 1; break; }
            block_count++;
            block_used = 0;
        }
        char *copy = blocks[block_count - 1] + block_used;
        memcpy(copy, name, len + 1);
        block_used += len + 1;
        Item *item = &chunks[count >> CHUNK_BITS][count & (CHUNK - 1)];
        item->name = copy;
        item->kind = kind;
        item->wanted = (unsigned char)wanted;
        item->result = R_SKIP;
        item->size = item->mtime = 0;
        count++;
        if ((count & (BATCH - 1)) == 0) {
            if (started) publish(&work, count, 0, 0);
            else if (threads > 1 && count >= MIN_PER_THREAD) { /* enough to share: start the helpers */
                publish(&work, count, 0, 0);
                for (int t = 0; t < threads - 1; t++)
                    if (pthread_create(&helpers[started], NULL, stat_worker, &work) == 0) started++;
            }
        }
    }
    closedir(dir);
    publish(&work, count, 1, failed || list_errno);
    if (!failed && !list_errno) stat_worker(&work); /* the lister joins in for the rest */
    for (int t = 0; t < started; t++) pthread_join(helpers[t], NULL);
    close(dirfd);
    Py_END_ALLOW_THREADS
    pthread_mutex_destroy(&work.lock);
    pthread_cond_destroy(&work.more);

    PyObject *result = NULL, *records = NULL, *folders = NULL;
    if (failed || list_errno) {
        if (failed) PyErr_NoMemory();
        else {
            errno = list_errno;
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        }
        goto done;
    }

    /* one record per brief file, in listing order: name NUL size NUL mtime_ns NUL */
    size_t total = 0, files = 0;
    long long newest = 0;
    uint64_t lanes[2] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL}; /* two lanes: a 128-bit digest */
    for (size_t i = 0; i < count; i++) {
        Item *item = item_at(&work, i);
        if (item->result == R_FILE)
            total += strlen(item->name) + 1 + digits(item->size) + 1 + digits(item->mtime) + 1;
    }
    records = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
    folders = PyList_New(0);
    if (records == NULL || folders == NULL) goto done;
    char *out = PyBytes_AS_STRING(records);
    for (size_t i = 0; i < count; i++) {
        Item *item = item_at(&work, i);
        if (item->result == R_DIR) {
            PyObject *folder = PyBytes_FromString(item->name);
            if (folder == NULL || PyList_Append(folders, folder) < 0) {
                Py_XDECREF(folder);
                goto done;
            }
            Py_DECREF(folder);
        } else if (item->result == R_FILE) {
            size_t len = strlen(item->name) + 1;
            memcpy(out, item->name, len);
            out += len;
            out = put_number(out, item->size);
            out = put_number(out, item->mtime);
            if (item->mtime > newest) newest = item->mtime;
            lanes[0] = mix64(lanes[0] ^ item->hash); /* order matters: a reordered listing is a change */
            lanes[1] = mix64(lanes[1] + item->hash * 0x9e3779b97f4a7c15ULL + files);
            files++;
        }
    }
    unsigned char digest[16];
    for (int lane = 0; lane < 2; lane++)
        for (int byte = 0; byte < 8; byte++) digest[lane * 8 + byte] = (unsigned char)(lanes[lane] >> (8 * byte));
    result = Py_BuildValue("(OOLny#)", folders, records, newest, (Py_ssize_t)files, (const char *)digest,
                           (Py_ssize_t)16);

done:
    Py_XDECREF(records);
    Py_XDECREF(folders);
    Py_DECREF(path_obj);
    for (size_t c = 0; c < MAX_CHUNKS && chunks[c] != NULL; c++) free(chunks[c]);
    free(chunks);
    for (size_t b = 0; b < block_count; b++) free(blocks[b]);
    free(blocks);
    return result;
}

static PyMethodDef methods[] = {
    {"stat_folder", stat_folder, METH_VARARGS,
     "stat_folder(path, suffixes, threads) -> (folders, records, newest_mtime_ns, count, digest)\n\n"
     "The sub-folders (names as bytes; links to folders are not followed) and brief files of one folder, in\n"
     "listing order, hidden names skipped.\n"
     "records holds name NUL size NUL mtime_ns NUL for every regular file (or link to one) whose name ends,\n"
     "in any ASCII case, with one of `suffixes` (lower-case bytes); count is their number and digest 16 bytes\n"
     "that change when any name, size, time or their order does."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "The freshness check's hot loop.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
