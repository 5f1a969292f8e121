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
#include <unistd.h>

#ifdef __APPLE__
#define MTIME_SEC(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SEC(st) ((st).st_mtim.tv_sec)
#define MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

#define MAX_THREADS 8
#define MIN_PER_THREAD 1024 /* below this, starting a thread costs more than it saves */

enum { K_DIR = 1, K_FILE = 2, K_LINK = 3, K_UNKNOWN = 4 }; /* what readdir said */
enum { R_SKIP = 0, R_DIR = 1, R_FILE = 2 };    /* what the entry turned out to be */

typedef struct {
    size_t name; /* offset of the name in the arena */
    unsigned char kind, result, wanted;
    long long size, mtime;
} Item;

typedef struct {
    int dirfd;
    const char *arena;
    Item *items;
    size_t begin, end;
} Slice;

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
    if (value < 0) value = 0; /* sizes and times before 1970 do not occur in practice; keep the format simple */
    size_t n = digits(value);
    for (size_t i = n; i > 0; i--) {
        out[i - 1] = (char)('0' + value % 10);
        value /= 10;
    }
    out[n] = '\0';
    return out + n + 1;
}

static int has_suffix(const char *name, size_t len, PyObject *suffixes) {
    Py_ssize_t count = PyTuple_GET_SIZE(suffixes);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *suffix = PyTuple_GET_ITEM(suffixes, i);
        size_t slen = (size_t)PyBytes_GET_SIZE(suffix);
        const char *s = PyBytes_AS_STRING(suffix);
        if (slen > len) continue;
        const char *tail = name + len - slen;
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

/* Links to files are followed (their target's size and time count), links to folders are not: as os.walk,
   and so `brief validate`, git and ripgrep do. Entries whose type readdir did not give are looked at first. */
static void stat_slice(Slice *slice) {
    struct stat st;
    for (size_t i = slice->begin; i < slice->end; i++) {
        Item *item = &slice->items[i];
        const char *name = slice->arena + item->name;
        unsigned char kind = item->kind;
        if (kind == K_UNKNOWN) {
            if (fstatat(slice->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; /* vanished: skip */
            if (S_ISDIR(st.st_mode)) kind = K_DIR;
            else if (S_ISLNK(st.st_mode)) kind = K_LINK;
            else if (S_ISREG(st.st_mode)) kind = K_FILE;
            else continue;
        }
        if (kind == K_DIR) {
            item->result = R_DIR;
            continue;
        }
        if (!item->wanted) continue;
        if (fstatat(slice->dirfd, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
        item->result = R_FILE;
        item->size = (long long)st.st_size;
        item->mtime = (long long)MTIME_SEC(st) * 1000000000LL + (long long)MTIME_NSEC(st);
    }
}

static void *stat_thread(void *arg) {
    stat_slice((Slice *)arg);
    return NULL;
}

static PyObject *stat_folder(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *path_obj = NULL, *suffixes;
    int threads;
    if (!PyArg_ParseTuple(args, "O&O!i", PyUnicode_FSConverter, &path_obj, &PyTuple_Type, &suffixes, &threads))
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(suffixes); i++) {
        if (!PyBytes_Check(PyTuple_GET_ITEM(suffixes, i))) {
            Py_DECREF(path_obj);
            PyErr_SetString(PyExc_TypeError, "suffixes must be lower-case bytes");
            return NULL;
        }
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
    if (dir == NULL) {
        if (listfd >= 0) close(listfd);
        close(dirfd);
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        Py_DECREF(path_obj);
        return NULL;
    }

    char *arena = NULL;
    size_t arena_len = 0, arena_cap = 0;
    Item *items = NULL;
    size_t count = 0, cap = 0;
    int failed = 0, list_errno = 0;

    Py_BEGIN_ALLOW_THREADS
    struct dirent *entry;
    for (;;) {
        errno = 0;
        entry = readdir(dir);
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
        int wanted = has_suffix(name, len, suffixes);
        if ((kind == K_FILE || kind == K_LINK) && !wanted) continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 1024;
            Item *grown = realloc(items, cap * sizeof(Item));
            if (grown == NULL) { failed = 1; break; }
            items = grown;
        }
        if (arena_len + len + 1 > arena_cap) {
            arena_cap = arena_cap ? arena_cap * 2 : 65536;
            while (arena_len + len + 1 > arena_cap) arena_cap *= 2;
            char *grown = realloc(arena, arena_cap);
            if (grown == NULL) { failed = 1; break; }
            arena = grown;
        }
        memcpy(arena + arena_len, name, len + 1);
        items[count].name = arena_len;
        items[count].kind = kind;
        items[count].wanted = (unsigned char)wanted;
        items[count].result = R_SKIP;
        items[count].size = items[count].mtime = 0;
        arena_len += len + 1;
        count++;
    }
    closedir(dir);

    if (!failed && !list_errno && count) {
        size_t wanted_threads = count / MIN_PER_THREAD;
        size_t n = wanted_threads < (size_t)threads ? wanted_threads : (size_t)threads;
        if (n < 1) n = 1;
        Slice slices[MAX_THREADS];
        pthread_t ids[MAX_THREADS];
        int started[MAX_THREADS] = {0};
        size_t per = (count + n - 1) / n;
        for (size_t t = 0; t < n; t++) {
            slices[t].dirfd = dirfd;
            slices[t].arena = arena;
            slices[t].items = items;
            slices[t].begin = t * per < count ? t * per : count;
            slices[t].end = (t + 1) * per < count ? (t + 1) * per : count;
        }
        for (size_t t = 1; t < n; t++) started[t] = pthread_create(&ids[t], NULL, stat_thread, &slices[t]) == 0;
        stat_slice(&slices[0]);
        for (size_t t = 1; t < n; t++) {
            if (started[t]) pthread_join(ids[t], NULL);
            else stat_slice(&slices[t]); /* no thread to be had: do its share here */
        }
    }
    close(dirfd);
    Py_END_ALLOW_THREADS

    if (failed || list_errno) {
        free(items);
        free(arena);
        if (failed) PyErr_NoMemory();
        else {
            errno = list_errno;
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        }
        Py_DECREF(path_obj);
        return NULL;
    }
    Py_DECREF(path_obj);

    /* one record per brief file, in listing order: name NUL size NUL mtime_ns NUL */
    size_t total = 0;
    long long newest = 0;
    for (size_t i = 0; i < count; i++) {
        if (items[i].result != R_FILE) continue;
        if (items[i].size < 0) items[i].size = 0;
        if (items[i].mtime < 0) items[i].mtime = 0;
        total += strlen(arena + items[i].name) + 1 + digits(items[i].size) + 1 + digits(items[i].mtime) + 1;
    }
    PyObject *records = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
    PyObject *folders = PyList_New(0);
    if (records == NULL || folders == NULL) goto error;
    char *out = PyBytes_AS_STRING(records);
    for (size_t i = 0; i < count; i++) {
        const char *name = arena + items[i].name;
        if (items[i].result == R_DIR) {
            PyObject *folder = PyBytes_FromString(name);
            if (folder == NULL || PyList_Append(folders, folder) < 0) {
                Py_XDECREF(folder);
                goto error;
            }
            Py_DECREF(folder);
        } else if (items[i].result == R_FILE) {
            size_t len = strlen(name) + 1;
            memcpy(out, name, len);
            out += len;
            out = put_number(out, items[i].size);
            out = put_number(out, items[i].mtime);
            if (items[i].mtime > newest) newest = items[i].mtime;
        }
    }
    free(items);
    free(arena);
    return Py_BuildValue("(NNL)", folders, records, newest);

error:
    free(items);
    free(arena);
    Py_XDECREF(records);
    Py_XDECREF(folders);
    return NULL;
}

static PyMethodDef methods[] = {
    {"stat_folder", stat_folder, METH_VARARGS,
     "stat_folder(path, suffixes, threads) -> (folders, records, newest_mtime_ns)\n\n"
     "The sub-folders (names as bytes; links to folders are not followed) and brief files of one folder, in\n"
     "listing order, hidden names skipped.\n"
     "records holds name NUL size NUL mtime_ns NUL for every regular file (or link to one) whose name ends,\n"
     "in any ASCII case, with one of `suffixes` (lower-case bytes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "The freshness check's hot loop.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
