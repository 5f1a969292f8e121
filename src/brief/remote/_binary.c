/* brief.remote._binary: what a sync sends in PostgreSQL's binary COPY format, made in C (brief/remote/binary.py).

   words() splits a text into the words brief folds, as query/pg_text.py words does (one white-space-separated
   token at a time, each token's words remembered in a dict; a token not seen yet is folded by the Python function
   given); build() makes a brief's weighted tsvector from them: in Python, grouping every word's positions,
   sorting the lexemes and packing them was the largest part of a sync's own work. encode() makes a whole COPY
   stream of rows. Each gives the same result as its Python equivalent (query/pg_text.py words, and
   brief/remote/binary.py tsvector_python, encode_python), which is used when this is not built
   (tests/test_sync_binary.py holds them to each other on generated and hostile input).

   build(fields, weights): fields, a sequence of lists of str (the folded words of each field, in order); weights,
   a sequence as long of ints, 0-3 (the weight class D-A) or -1 (a field left out). Returns (bytes, list): the
   vector (int32 lexeme count; then per lexeme, in bytewise order (a prefix first), its UTF-8 and a NUL, uint16
   position count, uint16 positions (weight in the two high bits), rising; all big-endian) and its rich words (the
   lexemes it holds in class A, weight 3, and at least twice: schema version 7's brief.briefs.rich_terms), in the
   same order. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* query/pg_text.py: MAX_POSITION, MAX_POSITIONS, MAX_LEXEME, FIELD_GAP, MAX_TSVECTOR; passed in by the caller
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
    PyObject *index = NULL, *result = NULL, *vector = NULL, *rich = NULL;
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

    vector = PyBytes_FromStringAndSize(NULL, total);
    rich = PyList_New(0);
    if (vector == NULL || rich == NULL) goto done;
    char *out = PyBytes_AS_STRING(vector);
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
        int in_a = 0;
        for (int p = 0; p < entry->count; p++, out += 2) {
            put16(out, entry->positions[p]);
            in_a |= (entry->positions[p] >> 14) == 3;
        }
        if (in_a && entry->count > 1 && PyList_Append(rich, entry->word) < 0) goto done;
    }
    result = PyTuple_Pack(2, vector, rich);

done:
    Py_XDECREF(vector);
    Py_XDECREF(rich);
    for (Py_ssize_t k = 0; k < used; k++)
        if (entries[k].positions != entries[k].inline_positions) free(entries[k].positions);
    free(entries);
    free(kept);
    Py_XDECREF(index);
    Py_DECREF(fields);
    Py_DECREF(weights);
    return result;
}

/* --- words(text, known, split, limit) ---------------------------------------------------------------------------
   The words of `text`: for each token that str.split() would make, known[token], else split(token) (a list of
   str), remembered in `known`, which is emptied first when it holds `limit` tokens. */

static PyObject *words(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *text, *known, *split;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "UO!On:words", &text, &PyDict_Type, &known, &split, &limit)) return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) i++;
        if (i >= n) break;
        Py_ssize_t start = i;
        while (i < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) i++;
        PyObject *token = PyUnicode_Substring(text, start, i);
        if (token == NULL) goto failed;
        PyObject *found = PyDict_GetItemWithError(known, token); /* borrowed */
        if (found != NULL) {
            Py_INCREF(found);
        } else if (PyErr_Occurred()) {
            Py_DECREF(token);
            goto failed;
        } else {
            if (PyDict_GET_SIZE(known) >= limit) PyDict_Clear(known); /* bounded, as in Python */
            found = PyObject_CallOneArg(split, token);
            if (found == NULL || !PyList_Check(found) || PyDict_SetItem(known, token, found) < 0) {
                if (found != NULL && !PyList_Check(found)) PyErr_SetString(PyExc_TypeError, "split returns a list");
                Py_XDECREF(found);
                Py_DECREF(token);
                goto failed;
            }
        }
        Py_DECREF(token);
        Py_ssize_t end = PyList_GET_SIZE(out);
        int extended = PyList_SetSlice(out, end, end, found); /* out += found */
        Py_DECREF(found);
        if (extended < 0) goto failed;
    }
    return out;

failed:
    Py_DECREF(out);
    return NULL;
}

/* --- encode(rows, kinds): a binary COPY stream ----------------------------------------------------------------------
   kinds: one letter per column (q bigint, i integer, h smallint, f double precision, d date, t text, a text[], b
   bytes already in the column's binary form); None is NULL. Big-endian throughout. */

typedef struct {
    char *data;
    size_t used, size;
} Buffer;

static char *reserve(Buffer *buffer, size_t n) {
    if (buffer->used + n > buffer->size) {
        size_t size = buffer->size ? buffer->size : 65536;
        while (size < buffer->used + n) size *= 2;
        char *grown = realloc(buffer->data, size);
        if (grown == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        buffer->data = grown;
        buffer->size = size;
    }
    return buffer->data + buffer->used;
}

static int put_bytes(Buffer *buffer, const void *data, size_t n) {
    char *out = reserve(buffer, n);
    if (out == NULL) return -1;
    memcpy(out, data, n);
    buffer->used += n;
    return 0;
}

static int put_int(Buffer *buffer, uint64_t value, int width) {
    char bytes[8];
    for (int i = 0; i < width; i++) bytes[i] = (char)((value >> (8 * (width - 1 - i))) & 0xFF);
    return put_bytes(buffer, bytes, (size_t)width);
}

static int put_text(Buffer *buffer, PyObject *value) {
    if (!PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "a text value is a str");
        return -1;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(value, &size);
    if (utf8 == NULL) return -1;
    if (size > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "a value past 2 GB");
        return -1;
    }
    if (put_int(buffer, (uint64_t)size, 4) < 0) return -1;
    return put_bytes(buffer, utf8, (size_t)size);
}

static int put_integer(Buffer *buffer, PyObject *value, int width) {
    long long number = PyLong_AsLongLong(value);
    if (number == -1 && PyErr_Occurred()) return -1;
    long long low = width == 2 ? INT16_MIN : width == 4 ? INT32_MIN : INT64_MIN;
    long long high = width == 2 ? INT16_MAX : width == 4 ? INT32_MAX : INT64_MAX;
    if (number < low || number > high) {
        PyErr_SetString(PyExc_OverflowError, "an integer out of its column's range");
        return -1;
    }
    if (put_int(buffer, (uint64_t)width, 4) < 0) return -1;
    return put_int(buffer, (uint64_t)number, width);
}

/* days from 0001-01-01 (its ordinal 1), as date.toordinal() counts them */
static long long ordinal(int year, int month, int day) {
    static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long long y = year - 1;
    long long days = y * 365 + y / 4 - y / 100 + y / 400 + before[month - 1] + day;
    if (month > 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) days++;
    return days;
}

#define EPOCH_ORDINAL 730120 /* date(2000, 1, 1).toordinal(): PostgreSQL counts days from there */

static int put_value(Buffer *buffer, PyObject *value, char kind) {
    if (value == Py_None) return put_int(buffer, (uint64_t)(uint32_t)-1, 4);
    switch (kind) {
    case 't':
        return put_text(buffer, value);
    case 'a': {
        PyObject *items = PySequence_Fast(value, "a text[] value is a sequence");
        if (items == NULL) return -1;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
        int failed = 0;
        if (n == 0) {
            failed = put_int(buffer, 12, 4) || put_int(buffer, 0, 4) || put_int(buffer, 0, 4) || put_int(buffer, 25, 4);
        } else {
            size_t length_at = buffer->used;
            failed = put_int(buffer, 0, 4) || put_int(buffer, 1, 4) || put_int(buffer, 0, 4) || put_int(buffer, 25, 4)
                     || put_int(buffer, (uint64_t)n, 4) || put_int(buffer, 1, 4);
            for (Py_ssize_t i = 0; !failed && i < n; i++) failed = put_text(buffer, PySequence_Fast_GET_ITEM(items, i));
            if (!failed) {
                size_t length = buffer->used - length_at - 4;
                if (length > INT32_MAX) {
                    PyErr_SetString(PyExc_OverflowError, "a value past 2 GB");
                    failed = 1;
                } else {
                    for (int i = 0; i < 4; i++) buffer->data[length_at + i] = (char)((length >> (8 * (3 - i))) & 0xFF);
                }
            }
        }
        Py_DECREF(items);
        return failed ? -1 : 0;
    }
    case 'q':
        return put_integer(buffer, value, 8);
    case 'i':
        return put_integer(buffer, value, 4);
    case 'h':
        return put_integer(buffer, value, 2);
    case 'd':
        if (!PyDate_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "a date value is a datetime.date");
            return -1;
        }
        if (put_int(buffer, 4, 4) < 0) return -1;
        return put_int(buffer,
                       (uint64_t)(uint32_t)(int32_t)(ordinal(PyDateTime_GET_YEAR(value), PyDateTime_GET_MONTH(value),
                                                             PyDateTime_GET_DAY(value)) - EPOCH_ORDINAL),
                       4);
    case 'f': {
        double number = PyFloat_AsDouble(value);
        if (number == -1.0 && PyErr_Occurred()) return -1;
        uint64_t bits;
        memcpy(&bits, &number, sizeof bits);
        if (put_int(buffer, 8, 4) < 0) return -1;
        return put_int(buffer, bits, 8);
    }
    case 'b': {
        if (!PyBytes_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "a binary value is bytes");
            return -1;
        }
        Py_ssize_t size = PyBytes_GET_SIZE(value);
        if (size > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "a value past 2 GB");
            return -1;
        }
        if (put_int(buffer, (uint64_t)size, 4) < 0) return -1;
        return put_bytes(buffer, PyBytes_AS_STRING(value), (size_t)size);
    }
    default:
        PyErr_Format(PyExc_ValueError, "no column kind '%c'", kind);
        return -1;
    }
}

static const char SIGNATURE[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0"; /* 11 bytes, flags, extension length */

static PyObject *encode(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *rows_arg;
    const char *kinds;
    Py_ssize_t ncolumns;
    if (!PyArg_ParseTuple(args, "Os#:encode", &rows_arg, &kinds, &ncolumns)) return NULL;
    if (ncolumns > INT16_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many columns");
        return NULL;
    }
    PyObject *rows = PySequence_Fast(rows_arg, "rows must be a sequence");
    if (rows == NULL) return NULL;
    Buffer buffer = {NULL, 0, 0};
    PyObject *result = NULL;
    if (put_bytes(&buffer, SIGNATURE, 19) < 0) goto done;
    Py_ssize_t nrows = PySequence_Fast_GET_SIZE(rows);
    for (Py_ssize_t r = 0; r < nrows; r++) {
        PyObject *row = PySequence_Fast(PySequence_Fast_GET_ITEM(rows, r), "a row is a sequence");
        if (row == NULL) goto done;
        int failed = 0;
        if (PySequence_Fast_GET_SIZE(row) != ncolumns) {
            PyErr_SetString(PyExc_ValueError, "a row's length is not its kinds' length");
            failed = 1;
        }
        if (!failed) failed = put_int(&buffer, (uint64_t)ncolumns, 2) < 0;
        for (Py_ssize_t c = 0; !failed && c < ncolumns; c++)
            failed = put_value(&buffer, PySequence_Fast_GET_ITEM(row, c), kinds[c]) < 0;
        Py_DECREF(row);
        if (failed) goto done;
    }
    if (put_int(&buffer, 0xFFFF, 2) < 0) goto done;
    result = PyBytes_FromStringAndSize(buffer.data, (Py_ssize_t)buffer.used);

done:
    free(buffer.data);
    Py_DECREF(rows);
    return result;
}

/* --- rows(data, key, rows, spec, helpers): the rows of a brief's child tables ---------------------------------------
   What brief/remote/rows.py child_rows_python makes of the declaration CHILDREN there, which `spec` is, compiled to
   numbers (rows.py _SPEC: per table (table, items, inner kind 0 none 1 texts 2 mappings, inner field, the item's
   requirements, the inner value's, columns), each requirement and column a (code, field)); the codes are the
   places in REQUIRE_NAMES and SOURCE_NAMES below, which the tests hold to rows.py's REQUIRE and SOURCES. Each row,
   a tuple, is appended to rows[table]. helpers: (fold, date, partial, their three caches, the caches' limit): the
   Python functions for what is not plain reading (folding, dates), each result remembered by its text. */

static const char *const REQUIRE_NAMES[] = {"text", "number", "pair"};
enum { R_TEXT, R_NUMBER, R_PAIR, R_COUNT };
static const char *const SOURCE_NAMES[] = {"key",     "ordinal", "text",   "text or empty", "texts",
                                           "number",  "integer", "fold",   "date",          "partial",
                                           "first",   "second",  "outer",  "value",         "fold value"};
enum {
    S_KEY, S_ORDINAL, S_TEXT, S_TEXT_OR_EMPTY, S_TEXTS, S_NUMBER, S_INTEGER, S_FOLD, S_DATE, S_PARTIAL, S_FIRST,
    S_SECOND, S_OUTER, S_VALUE, S_FOLD_VALUE, S_COUNT
};

static int is_text(PyObject *value) { return value != NULL && PyUnicode_Check(value) && PyUnicode_GET_LENGTH(value); }

static int is_number(PyObject *value) {
    return value != NULL && (PyLong_Check(value) || PyFloat_Check(value)) && !PyBool_Check(value);
}

/* base/fields.py texts: a new list */
static PyObject *texts_of(PyObject *value) {
    if (value != NULL && PyUnicode_Check(value)) {
        PyObject *one = PyList_New(PyUnicode_GET_LENGTH(value) ? 1 : 0);
        if (one != NULL && PyList_GET_SIZE(one)) PyList_SET_ITEM(one, 0, Py_NewRef(value));
        return one;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL || value == NULL || !PyList_Check(value)) return out;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
        PyObject *item = PyList_GET_ITEM(value, i);
        if (is_text(item) && PyList_Append(out, item) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* how many texts texts_of would give, and the first two (borrowed) */
static Py_ssize_t count_texts(PyObject *value, PyObject **first, PyObject **second) {
    *first = *second = NULL;
    if (value != NULL && PyUnicode_Check(value)) {
        if (!PyUnicode_GET_LENGTH(value)) return 0;
        *first = value;
        return 1;
    }
    if (value == NULL || !PyList_Check(value)) return 0;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
        PyObject *item = PyList_GET_ITEM(value, i);
        if (!is_text(item)) continue;
        if (n == 0) *first = item;
        else if (n == 1) *second = item;
        n++;
    }
    return n;
}

typedef struct {
    PyObject *function, *cache;
} Helper;

/* function(text), remembered in cache (emptied when it holds `limit`); a new reference */
static PyObject *cached(Helper *helper, PyObject *text, Py_ssize_t limit) {
    PyObject *found = PyDict_GetItemWithError(helper->cache, text);
    if (found != NULL) {
        Py_INCREF(found);
        return found;
    }
    if (PyErr_Occurred()) return NULL;
    found = PyObject_CallOneArg(helper->function, text);
    if (found == NULL) return NULL;
    if (PyDict_GET_SIZE(helper->cache) >= limit) PyDict_Clear(helper->cache);
    if (PyDict_SetItem(helper->cache, text, found) < 0) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}

static PyObject *get(PyObject *mapping, PyObject *field) { /* borrowed, NULL when absent (or on error) */
    return PyDict_GetItemWithError(mapping, field);
}

static int meets(PyObject *mapping, PyObject *needs) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(needs); i++) {
        PyObject *need = PyTuple_GET_ITEM(needs, i);
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(need, 0));
        PyObject *value = get(mapping, PyTuple_GET_ITEM(need, 1));
        if (value == NULL && PyErr_Occurred()) return -1;
        PyObject *first, *second;
        if (kind == R_TEXT ? !is_text(value) : kind == R_NUMBER ? !is_number(value)
                                                                : count_texts(value, &first, &second) != 2)
            return 0;
    }
    return 1;
}

typedef struct {
    PyObject *key;
    Helper fold, date, partial;
    Py_ssize_t limit;
} Context;

/* append the values of one column to row at *at; 0, or -1 with an exception set */
static int put_column(Context *context, PyObject *row, Py_ssize_t *at, long source, PyObject *field, long ordinal,
                      PyObject *item, PyObject *value) {
    PyObject *subject = value != NULL && PyDict_Check(value) ? value : item;
    PyObject *found = NULL, *made = NULL;
    if (source != S_KEY && source != S_ORDINAL && source != S_VALUE && source != S_FOLD_VALUE) {
        found = get(source == S_OUTER ? item : subject, field);
        if (found == NULL && PyErr_Occurred()) return -1;
    }
    switch (source) {
    case S_KEY: made = Py_NewRef(context->key); break;
    case S_ORDINAL: made = PyLong_FromLong(ordinal); break;
    case S_TEXT:
    case S_OUTER: made = Py_NewRef(is_text(found) ? found : Py_None); break;
    case S_TEXT_OR_EMPTY: made = is_text(found) ? Py_NewRef(found) : PyUnicode_FromStringAndSize("", 0); break;
    case S_TEXTS: made = texts_of(found); break;
    case S_NUMBER: made = Py_NewRef(is_number(found) ? found : Py_None); break;
    case S_INTEGER: made = Py_NewRef(found != NULL && PyLong_Check(found) && !PyBool_Check(found) ? found : Py_None);
        break;
    case S_FOLD: made = is_text(found) ? cached(&context->fold, found, context->limit) : Py_NewRef(Py_None); break;
    case S_DATE:
        made = found != NULL && PyUnicode_Check(found) ? cached(&context->date, found, context->limit)
                                                       : Py_NewRef(Py_None);
        break;
    case S_PARTIAL: {
        if (found == NULL || !PyUnicode_Check(found)) {
            PyTuple_SET_ITEM(row, (*at)++, Py_NewRef(Py_None));
            PyTuple_SET_ITEM(row, (*at)++, Py_NewRef(Py_None));
            return 0;
        }
        PyObject *pair = cached(&context->partial, found, context->limit);
        if (pair == NULL) return -1;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(pair);
            PyErr_SetString(PyExc_TypeError, "partial returns a pair");
            return -1;
        }
        PyTuple_SET_ITEM(row, (*at)++, Py_NewRef(PyTuple_GET_ITEM(pair, 0)));
        PyTuple_SET_ITEM(row, (*at)++, Py_NewRef(PyTuple_GET_ITEM(pair, 1)));
        Py_DECREF(pair);
        return 0;
    }
    case S_FIRST:
    case S_SECOND: {
        PyObject *first, *second;
        count_texts(found, &first, &second);
        made = Py_NewRef(source == S_FIRST ? (first ? first : Py_None) : (second ? second : Py_None));
        break;
    }
    case S_VALUE: made = Py_NewRef(is_text(value) ? value : Py_None); break;
    case S_FOLD_VALUE:
        made = is_text(value) ? cached(&context->fold, value, context->limit) : Py_NewRef(Py_None);
        break;
    default: PyErr_SetString(PyExc_ValueError, "no such column source"); return -1;
    }
    if (made == NULL) return -1;
    PyTuple_SET_ITEM(row, (*at)++, made);
    return 0;
}

static int put_row(Context *context, PyObject *list, PyObject *columns, Py_ssize_t width, long ordinal,
                   PyObject *item, PyObject *value) {
    PyObject *row = PyTuple_New(width);
    if (row == NULL) return -1;
    Py_ssize_t at = 0;
    for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(columns); c++) {
        PyObject *column = PyTuple_GET_ITEM(columns, c);
        if (put_column(context, row, &at, PyLong_AsLong(PyTuple_GET_ITEM(column, 0)), PyTuple_GET_ITEM(column, 1),
                       ordinal, item, value) < 0) {
            Py_DECREF(row); /* the slots not yet set are NULL, which a tuple's deallocation skips */
            return -1;
        }
    }
    int failed = PyList_Append(list, row);
    Py_DECREF(row);
    return failed;
}

static int items_rows(Context *context, PyObject *items, PyObject *list, long inner, PyObject *inner_field,
                      PyObject *needs, PyObject *inner_needs, PyObject *columns, Py_ssize_t width);

/* a tuple of (int, str) pairs */
static int pairs(PyObject *tuple) {
    if (!PyTuple_Check(tuple)) return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
        PyObject *pair = PyTuple_GET_ITEM(tuple, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyLong_Check(PyTuple_GET_ITEM(pair, 0)) ||
            !PyUnicode_Check(PyTuple_GET_ITEM(pair, 1)))
            return 0;
    }
    return 1;
}

static int table_rows(Context *context, PyObject *data, PyObject *rows, PyObject *table) {
    if (!PyTuple_Check(table) || PyTuple_GET_SIZE(table) != 7 || !PyLong_Check(PyTuple_GET_ITEM(table, 2)) ||
        !PyUnicode_Check(PyTuple_GET_ITEM(table, 1)) || !PyUnicode_Check(PyTuple_GET_ITEM(table, 3)) ||
        !pairs(PyTuple_GET_ITEM(table, 4)) || !pairs(PyTuple_GET_ITEM(table, 5)) ||
        !pairs(PyTuple_GET_ITEM(table, 6))) {
        PyErr_SetString(PyExc_TypeError, "a table's declaration is (table, items, inner kind, inner field, needs, "
                                         "inner needs, columns)");
        return -1;
    }
    PyObject *list = PyDict_GetItemWithError(rows, PyTuple_GET_ITEM(table, 0));
    if (list == NULL || !PyList_Check(list)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "rows holds no list for a table");
        return -1;
    }
    long inner = PyLong_AsLong(PyTuple_GET_ITEM(table, 2));
    PyObject *inner_field = PyTuple_GET_ITEM(table, 3), *needs = PyTuple_GET_ITEM(table, 4);
    PyObject *inner_needs = PyTuple_GET_ITEM(table, 5), *columns = PyTuple_GET_ITEM(table, 6);
    Py_ssize_t width = 0;
    for (Py_ssize_t c = 0; c < PyTuple_GET_SIZE(columns); c++) {
        long source = PyLong_AsLong(PyTuple_GET_ITEM(PyTuple_GET_ITEM(columns, c), 0));
        if (source < 0 || source >= S_COUNT) {
            PyErr_SetString(PyExc_ValueError, "no such column source");
            return -1;
        }
        width += source == S_PARTIAL ? 2 : 1;
    }
    PyObject *items = get(data, PyTuple_GET_ITEM(table, 1));
    if (items == NULL) return PyErr_Occurred() ? -1 : 0;
    if (!PyList_Check(items)) return 0;
    Py_INCREF(items); /* held while Python functions (fold, dates) run */
    int done = items_rows(context, items, list, inner, inner_field, needs, inner_needs, columns, width);
    Py_DECREF(items);
    return done;
}

static int items_rows(Context *context, PyObject *items, PyObject *list, long inner, PyObject *inner_field,
                      PyObject *needs, PyObject *inner_needs, PyObject *columns, Py_ssize_t width) {
    long ordinal = -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        if (!PyDict_Check(item)) continue;
        ordinal++;
        int met = meets(item, needs);
        if (met <= 0) {
            if (met < 0) return -1;
            continue;
        }
        if (inner == 0) {
            if (put_row(context, list, columns, width, ordinal, item, NULL) < 0) return -1;
            continue;
        }
        PyObject *values = get(item, inner_field);
        if (values == NULL && PyErr_Occurred()) return -1;
        if (inner == 1) {
            PyObject *found = texts_of(values);
            if (found == NULL) return -1;
            for (Py_ssize_t k = 0; k < PyList_GET_SIZE(found); k++) {
                if (put_row(context, list, columns, width, ordinal, item, PyList_GET_ITEM(found, k)) < 0) {
                    Py_DECREF(found);
                    return -1;
                }
            }
            Py_DECREF(found);
        } else if (values != NULL && PyList_Check(values)) {
            PyObject *held = Py_NewRef(values); /* a row's helper could, in principle, change it */
            for (Py_ssize_t k = 0; k < PyList_GET_SIZE(held); k++) {
                PyObject *value = PyList_GET_ITEM(held, k);
                if (!PyDict_Check(value)) continue;
                Py_INCREF(value);
                int ok = meets(value, inner_needs);
                if (ok > 0) ok = put_row(context, list, columns, width, ordinal, item, value) < 0 ? -1 : 1;
                Py_DECREF(value);
                if (ok < 0) {
                    Py_DECREF(held);
                    return -1;
                }
            }
            Py_DECREF(held);
        }
    }
    return 0;
}

static PyObject *rows(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *data, *key, *out, *spec, *helpers;
    if (!PyArg_ParseTuple(args, "O!OO!O!O!:rows", &PyDict_Type, &data, &key, &PyDict_Type, &out, &PyTuple_Type,
                          &spec, &PyTuple_Type, &helpers))
        return NULL;
    Context context;
    context.key = key;
    if (!PyArg_ParseTuple(helpers, "OOOO!O!O!n:helpers", &context.fold.function, &context.date.function,
                          &context.partial.function, &PyDict_Type, &context.fold.cache, &PyDict_Type,
                          &context.date.cache, &PyDict_Type, &context.partial.cache, &context.limit))
        return NULL;
    for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(spec); t++)
        if (table_rows(&context, data, out, PyTuple_GET_ITEM(spec, t)) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *names(const char *const *names, Py_ssize_t count) {
    PyObject *out = PyTuple_New(count);
    for (Py_ssize_t i = 0; out != NULL && i < count; i++) {
        PyObject *name = PyUnicode_FromString(names[i]);
        if (name == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SET_ITEM(out, i, name);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS,
     "build(fields, weights) -> (bytes, list): a binary tsvector and its rich words (see the module's source)"},
    {"words", words, METH_VARARGS, "words(text, known, split, limit) -> list: a text's folded words"},
    {"encode", encode, METH_VARARGS, "encode(rows, kinds) -> bytes: a binary COPY stream (see the module's source)"},
    {"rows", rows, METH_VARARGS, "rows(data, key, rows, spec, helpers): a brief's child rows (see the source)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "brief.remote._binary", NULL, -1, methods};

PyMODINIT_FUNC PyInit__binary(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    PyObject *made = PyModule_Create(&module);
    if (made == NULL) return NULL;
    PyObject *require = names(REQUIRE_NAMES, R_COUNT), *sources = names(SOURCE_NAMES, S_COUNT);
    int failed = require == NULL || sources == NULL || PyModule_AddObjectRef(made, "REQUIRE", require) < 0 ||
                 PyModule_AddObjectRef(made, "SOURCES", sources) < 0;
    Py_XDECREF(require);
    Py_XDECREF(sources);
    if (failed) Py_CLEAR(made);
    return made;
}
