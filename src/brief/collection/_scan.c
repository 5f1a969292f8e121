/* brief.collection._scan: the freshness check's hot loop in C.

   Every `brief` command that reads the index first checks the size and modification time of every brief file.
   In Python that is about 3.5 us per file (a DirEntry and a stat_result built per file); here it is the bare
   system calls, made with the GIL released, and the result comes back as one bytes object rather than 100,000
   Python objects. brief/collection/freshness.py holds the pure-Python equivalent, which gives the same folders,
   records, newest time and count (tests/test_scanning.py checks it) and is used when this is not built.

   One thread, one pass: each entry is stat-ed as it is listed and its record appended to a growing buffer.
   Helper threads (which only started past 1,024 entries in one folder) and per-folder arenas bought nothing
   on collections laid out about 100 briefs to a folder: without them scan() is about 8% faster there (the
   measurements are in the commit that removed them). */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

typedef struct {
    Buffer records, folders;
    long long newest;
    size_t files;
    uint64_t lanes[2]; /* two lanes: a 128-bit digest */
} Listing;

/* Lists the folder open as `dir`, with the GIL released: 0, or an errno value. */
static int list_folder(DIR *dir, const Suffixes *suffixes, Listing *out) {
    int fd = dirfd(dir);
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(dir);
        if (entry == NULL) return errno;
        const char *name = entry->d_name;
        if (name[0] == '.') continue; /* hidden files and folders, and . and .. */
        size_t len = strlen(name);
        struct stat st;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) { /* the file system did not say: look, without following a link */
            if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; /* vanished: skip */
            if (S_ISDIR(st.st_mode)) type = DT_DIR;
            else if (S_ISREG(st.st_mode)) type = DT_REG;
            else if (S_ISLNK(st.st_mode)) type = DT_LNK;
        }
        if (type == DT_DIR) { /* links to folders are not followed (they are DT_LNK): as os.walk */
            char *slot = reserve(&out->folders, len + 1);
            if (slot == NULL) return ENOMEM;
            memcpy(slot, name, len + 1);
            out->folders.used += len + 1;
            continue;
        }
        if (type != DT_REG && type != DT_LNK) continue; /* fifos, sockets, devices: never briefs */
        if (!has_suffix(name, len, suffixes)) continue;
        /* a file, or a link: followed, so that a link to a file counts with its target's size and time */
        if (fstatat(fd, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
        long long size = st.st_size < 0 ? 0 : (long long)st.st_size;
        long long mtime = (long long)MTIME_SEC(st) * 1000000000LL + (long long)MTIME_NSEC(st);
        if (mtime < 0) mtime = 0; /* before 1970: kept simple, the size and name still tell */
        char *record = reserve(&out->records, len + 1 + 2 * NUMBER_MAX);
        if (record == NULL) return ENOMEM;
        memcpy(record, name, len + 1);
        size_t n = len + 1;
        n += put_number(record + n, size);
        n += put_number(record + n, mtime);
        out->records.used += n;
        if (mtime > out->newest) out->newest = mtime;
        uint64_t hash = record_hash(name, len, size, mtime);
        out->lanes[0] = mix64(out->lanes[0] ^ hash); /* order matters: a reordered listing is a change */
        out->lanes[1] = mix64(out->lanes[1] + hash * 0x9e3779b97f4a7c15ULL + out->files);
        out->files++;
    }
}

static PyObject *stat_folder(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *path_obj = NULL, *suffix_tuple;
    if (!PyArg_ParseTuple(args, "O&O!", PyUnicode_FSConverter, &path_obj, &PyTuple_Type, &suffix_tuple)) return NULL;
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

    Listing listing = {.lanes = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL}};
    int error;
    Py_BEGIN_ALLOW_THREADS
    int fd = open(PyBytes_AS_STRING(path_obj), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd < 0 ? NULL : fdopendir(fd); /* which then owns the descriptor */
    if (dir == NULL) {
        error = errno;
        if (fd >= 0) close(fd);
    } else {
        error = list_folder(dir, &suffixes, &listing);
        closedir(dir);
    }
    Py_END_ALLOW_THREADS

    PyObject *result = NULL, *folders = NULL;
    if (error != 0) {
        if (error == ENOMEM) PyErr_NoMemory();
        else {
            errno = error;
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        }
        goto done;
    }
    folders = PyList_New(0);
    if (folders == NULL) goto done;
    for (size_t at = 0; at < listing.folders.used;) {
        size_t len = strlen(listing.folders.data + at);
        PyObject *folder = PyBytes_FromStringAndSize(listing.folders.data + at, (Py_ssize_t)len);
        if (folder == NULL || PyList_Append(folders, folder) < 0) {
            Py_XDECREF(folder);
            goto done;
        }
        Py_DECREF(folder);
        at += len + 1;
    }
    unsigned char digest[16];
    for (int lane = 0; lane < 2; lane++)
        for (int byte = 0; byte < 8; byte++)
            digest[lane * 8 + byte] = (unsigned char)(listing.lanes[lane] >> (8 * byte));
    /* y# with a NULL buffer of length 0 is not allowed: an empty folder gives "" */
    result = Py_BuildValue("(Oy#Lny#)", folders, listing.records.data ? listing.records.data : "",
                           (Py_ssize_t)listing.records.used, listing.newest, (Py_ssize_t)listing.files,
                           (const char *)digest, (Py_ssize_t)16);

done:
    Py_XDECREF(folders);
    Py_DECREF(path_obj);
    free(listing.records.data);
    free(listing.folders.data);
    return result;
}

static PyMethodDef methods[] = {
    {"stat_folder", stat_folder, METH_VARARGS,
     "stat_folder(path, suffixes) -> (folders, records, newest_mtime_ns, count, digest)\n\n"
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
