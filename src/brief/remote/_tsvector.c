/* brief.remote._tsvector: a brief's weighted tsvector, in PostgreSQL's binary form, in C.

   A sync writes two tsvectors per brief (brief/remote/binary.py), from the words brief has already folded: in
   Python, grouping every word's positions, sorting the lexemes and packing them was the largest part of a sync's
   own work. build() gives the same bytes as brief/remote/binary.py tsvector_python, which is used when this is
   not built (tests/test_sync_binary.py holds the two to each other on generated and hostile input).

   build(fields, weights): fields, a sequence of lists of str (the folded words of each field, in order); weights,
   a sequence as long of ints, 0-3 (the weight class D-A) or -1 (a field left out). Returns bytes:
   int32 lexeme count; then per lexeme, in bytewise order (a prefix first), its UTF-8 and a NUL, uint16 position
   count, uint16 positions (weight in the two high bits), rising; all big-endian. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* query/postgres.py: MAX_POSITION, MAX_POSITIONS, MAX_LEXEME, FIELD_GAP, MAX_TSVECTOR; passed in by the caller
   would be slower for nothing: tests/test_sync_binary.py checks these match */
#define MAX_POSITION 16383
#define MAX_POSITIONS 256
#define MAX_LEXEME 500
#define FIELD_GAP 2
#define MAX_TSVECTOR 900000

typedef struct {
    PyObject *word; /* borrowed: the fields' lists hold it for the call */
    const char *utf8;
    Py_ssize_t size;
    uint16_t *positions;
    int count;
    int capacity;
    uint16_t inline_positions[4]; /* most words occur a few times: no allocation for them */
} Entry;

static int compare(const void *a, const void *b) {
    const Entry *x = *(const Entry *const *)a, *y = *(const Entry *const *)b;
    Py_ssize_t n = x->size < y->size ? x->size : y->size;
    int c = memcmp(x->utf8, y->utf8, (size_t)n);
    if (c != 0) return c;
    return x->size < y->size ? -1 : x->size > y->size ? 1 : 0;
}

static int add_position(Entry *entry, uint16_t value) {
    if (entry->count >= MAX_POSITIONS) return 0;
    if (entry->count == entry->capacity) {
        int capacity = entry->capacity * 4;
        if (capacity > MAX_POSITIONS) capacity = MAX_POSITIONS;
        uint16_t *grown;
        if (entry->positions == entry->inline_positions) {
            grown = malloc(sizeof(uint16_t) * (size_t)capacity);
            if (grown != NULL) memcpy(grown, entry->positions, sizeof(uint16_t) * (size_t)entry->count);
        } else {
            grown = realloc(entry->positions, sizeof(uint16_t) * (size_t)capacity);
        }
        if (grown == NULL) return -1;
        entry->positions = grown;
        entry->capacity = capacity;
    }
    entry->positions[entry->count++] = value;
    return 0;
}

static void put16(char *out, uint16_t value) {
    out[0] = (char)(value >> 8);
    out[1] = (char)(value & 0xFF);
}

static PyObject *build(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *fields_arg, *weights_arg;
    if (!PyArg_ParseTuple(args, "OO:build", &fields_arg, &weights_arg)) return NULL;
    PyObject *fields = PySequence_Fast(fields_arg, "fields must be a sequence");
    if (fields == NULL) return NULL;
    PyObject *weights = PySequence_Fast(weights_arg, "weights must be a sequence");
    if (weights == NULL) {
        Py_DECREF(fields);
        return NULL;
    }
    PyObject *index = NULL, *result = NULL;
    Entry *entries = NULL;
    Entry **kept = NULL;
    Py_ssize_t used = 0, capacity = 0;
    Py_ssize_t nfields = PySequence_Fast_GET_SIZE(fields);
    if (PySequence_Fast_GET_SIZE(weights) != nfields) {
        PyErr_SetString(PyExc_ValueError, "fields and weights differ in length");
        goto done;
    }
    index = PyDict_New(); /* word -> its entry's number */
    if (index == NULL) goto done;

    long long position = 1;
    for (Py_ssize_t f = 0; f < nfields; f++) {
        long weight = PyLong_AsLong(PySequence_Fast_GET_ITEM(weights, f));
        if (weight == -1 && PyErr_Occurred()) goto done;
        if (weight < -1 || weight > 3) {
            PyErr_SetString(PyExc_ValueError, "a weight is -1 or 0-3");
            goto done;
        }
        if (weight < 0) continue;
        PyObject *words = PySequence_Fast_GET_ITEM(fields, f);
        if (!PyList_Check(words)) {
            PyErr_SetString(PyExc_TypeError, "each field is a list of words");
            goto done;
        }
        Py_ssize_t n = PyList_GET_SIZE(words);
        uint16_t flag = (uint16_t)(weight << 14);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *word = PyList_GET_ITEM(words, i);
            if (!PyUnicode_Check(word)) {
                PyErr_SetString(PyExc_TypeError, "a word is a str");
                goto done;
            }
            long long at = position + i;
            uint16_t value = (uint16_t)(flag | (uint16_t)(at < MAX_POSITION ? at : MAX_POSITION));
            PyObject *number = PyDict_GetItemWithError(index, word);
            Entry *entry;
            if (number != NULL) {
                entry = &entries[PyLong_AsSsize_t(number)];
            } else {
                if (PyErr_Occurred()) goto done;
                if (used == capacity) {
                    Py_ssize_t grown_size = capacity ? capacity * 2 : 256;
                    Entry *grown = realloc(entries, sizeof(Entry) * (size_t)grown_size);
                    if (grown == NULL) {
                        PyErr_NoMemory();
                        goto done;
                    }
                    for (Py_ssize_t k = 0; k < used; k++) /* the inline arrays moved with their entries */
                        if (grown[k].capacity == 4) grown[k].positions = grown[k].inline_positions;
                    entries = grown;
                    capacity = grown_size;
                }
                PyObject *key = PyLong_FromSsize_t(used);
                if (key == NULL) goto done;
                int failed = PyDict_SetItem(index, word, key);
                Py_DECREF(key);
                if (failed) goto done;
                entry = &entries[used++];
                entry->word = word;
                entry->utf8 = NULL;
                entry->size = 0;
                entry->count = 0;
                entry->capacity = 4;
                entry->positions = entry->inline_positions;
            }
            if (add_position(entry, value) < 0) {
                PyErr_NoMemory();
                goto done;
            }
        }
        position += n + FIELD_GAP;
    }

    /* the lexemes kept: in the order first seen, until the estimated size passes MAX_TSVECTOR */
    kept = malloc(sizeof(Entry *) * (size_t)(used ? used : 1));
    if (kept == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nkept = 0, size = 0, total = 4;
    for (Py_ssize_t k = 0; k < used; k++) {
        Entry *entry = &entries[k];
        Py_ssize_t length = PyUnicode_GET_LENGTH(entry->word);
        if (length > MAX_LEXEME) continue;
        size += 4 * length + 8 + 2 * entry->count;
        if (size > MAX_TSVECTOR) break;
        entry->utf8 = PyUnicode_AsUTF8AndSize(entry->word, &entry->size);
        if (entry->utf8 == NULL) goto done;
        /* positions rise; only MAX_POSITION repeats: kept once, with the higher weight */
        int merged = 0;
        for (int p = 0; p < entry->count; p++) {
            uint16_t value = entry->positions[p];
            if (merged > 0 && (entry->positions[merged - 1] & 0x3FFF) == (value & 0x3FFF)) {
                if (value > entry->positions[merged - 1]) entry->positions[merged - 1] = value;
            } else {
                entry->positions[merged++] = value;
            }
        }
        entry->count = merged;
        total += entry->size + 3 + 2 * merged;
        kept[nkept++] = entry;
    }
    qsort(kept, (size_t)nkept, sizeof(Entry *), compare);

    result = PyBytes_FromStringAndSize(NULL, total);
    if (result == NULL) goto done;
    char *out = PyBytes_AS_STRING(result);
    out[0] = (char)((nkept >> 24) & 0xFF);
    out[1] = (char)((nkept >> 16) & 0xFF);
    out[2] = (char)((nkept >> 8) & 0xFF);
    out[3] = (char)(nkept & 0xFF);
    out += 4;
    for (Py_ssize_t k = 0; k < nkept; k++) {
        Entry *entry = kept[k];
        memcpy(out, entry->utf8, (size_t)entry->size);
        out += entry->size;
        *out++ = '\0';
        put16(out, (uint16_t)entry->count);
        out += 2;
        for (int p = 0; p < entry->count; p++, out += 2) put16(out, entry->positions[p]);
    }

done:
    for (Py_ssize_t k = 0; k < used; k++)
        if (entries[k].positions != entries[k].inline_positions) free(entries[k].positions);
    free(entries);
    free(kept);
    Py_XDECREF(index);
    Py_DECREF(fields);
    Py_DECREF(weights);
    return result;
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS, "build(fields, weights) -> bytes: a binary tsvector (see the module's source)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "brief.remote._tsvector", NULL, -1, methods};

PyMODINIT_FUNC PyInit__tsvector(void) { return PyModule_Create(&module); }
