/* brief.format._yaml: an ordinary YAML brief turned into Python data straight from libyaml's events.
 *
 * brief's loader (brief/format/loading.py) composes a node tree with PyYAML's C parser and builds data from it
 * in Python; three quarters of a brief's parse went to making and walking those node objects. This module
 * builds the same dicts, lists and scalars from libyaml's events in one pass, and takes only the common case: one
 * document, no anchor, alias, directive or tag other than `!`, scalar keys, nesting within the depth given.
 * For anything else, and for every error, it answers None and the loader parses the text as before, so that
 * every message, rule and line:col comes from one place. Plain scalars that may not be text (those starting
 * with one of the characters given, or empty) are resolved by the loader's own resolver, passed in, which keeps
 * what it resolved in the dict `known` (looked up here first: briefs repeat their values): the YAML 1.2 core
 * schema is declared once, in Python. tests/test_yaml_native.py checks both paths give the same data. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

enum { BUILT = 0, DECLINED = 1, FAILED = -1 }; /* FAILED: a Python exception is set */

typedef struct {
    yaml_parser_t parser;
    const char *maybe_typed; /* first characters of plain scalars that may not be text */
    Py_ssize_t maybe_typed_len;
    PyObject *known;   /* plain scalar text -> its value, for those resolved before (resolve fills it) */
    PyObject *resolve; /* plain scalar text -> its value, or `unusual` */
    PyObject *unusual;
    int max_depth;
    int duplicates;
} Loader;

static int next_event(Loader *l, yaml_event_t *event) {
    return yaml_parser_parse(&l->parser, event) ? BUILT : DECLINED; /* a syntax error: the loader reports it */
}

static int build(Loader *l, yaml_event_t *event, int depth, PyObject **out);

static int scalar(Loader *l, yaml_event_t *event, PyObject **out) {
    const char *tag = (const char *)event->data.scalar.tag;
    const char *value = (const char *)event->data.scalar.value;
    Py_ssize_t length = (Py_ssize_t)event->data.scalar.length;
    if (event->data.scalar.anchor != NULL)
        return DECLINED;
    if (tag != NULL && !(tag[0] == '!' && tag[1] == '\0'))
        return DECLINED; /* an explicit tag: the loader types it, or says why it cannot */
    PyObject *text = PyUnicode_DecodeUTF8(value, length, "strict");
    if (text == NULL)
        return FAILED;
    /* as PyYAML's composer: a plain scalar untagged or tagged `!` is resolved; a quoted or block one is text */
    int plain = event->data.scalar.plain_implicit;
    if (plain && (length == 0 || memchr(l->maybe_typed, value[0], (size_t)l->maybe_typed_len) != NULL)) {
        PyObject *resolved = PyDict_GetItemWithError(l->known, text); /* borrowed */
        if (resolved != NULL) {
            Py_DECREF(text);
            Py_INCREF(resolved);
            *out = resolved;
            return BUILT;
        }
        if (PyErr_Occurred()) {
            Py_DECREF(text);
            return FAILED;
        }
        resolved = PyObject_CallOneArg(l->resolve, text);
        Py_DECREF(text);
        if (resolved == NULL)
            return FAILED;
        if (resolved == l->unusual) {
            Py_DECREF(resolved);
            return DECLINED;
        }
        *out = resolved;
        return BUILT;
    }
    *out = text;
    return BUILT;
}

static int sequence(Loader *l, int depth, PyObject **out) {
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return FAILED;
    for (;;) {
        yaml_event_t event;
        if (next_event(l, &event) != BUILT) {
            Py_DECREF(items);
            return DECLINED;
        }
        if (event.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        PyObject *item = NULL;
        int status = build(l, &event, depth + 1, &item);
        yaml_event_delete(&event);
        if (status != BUILT) {
            Py_DECREF(items);
            return status;
        }
        int appended = PyList_Append(items, item);
        Py_DECREF(item);
        if (appended < 0) {
            Py_DECREF(items);
            return FAILED;
        }
    }
    *out = items;
    return BUILT;
}

static int mapping(Loader *l, int depth, PyObject **out) {
    PyObject *map = PyDict_New();
    Py_ssize_t pairs = 0;
    if (map == NULL)
        return FAILED;
    for (;;) {
        yaml_event_t event;
        if (next_event(l, &event) != BUILT) {
            Py_DECREF(map);
            return DECLINED;
        }
        if (event.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        PyObject *key = NULL, *value = NULL;
        int status = event.type == YAML_SCALAR_EVENT ? scalar(l, &event, &key) : DECLINED; /* complex keys */
        yaml_event_delete(&event);
        if (status == BUILT) {
            if (next_event(l, &event) != BUILT) {
                status = DECLINED;
            } else {
                status = build(l, &event, depth + 1, &value);
                yaml_event_delete(&event);
            }
        }
        if (status == BUILT && PyDict_SetItem(map, key, value) < 0)
            status = FAILED;
        Py_XDECREF(key);
        Py_XDECREF(value);
        if (status != BUILT) {
            Py_DECREF(map);
            return status;
        }
        pairs++;
    }
    if (PyDict_GET_SIZE(map) != pairs)
        l->duplicates = 1; /* a repeated key: the loader finds where, if the brief's rules report it */
    *out = map;
    return BUILT;
}

static int build(Loader *l, yaml_event_t *event, int depth, PyObject **out) {
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        return scalar(l, event, out);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int sequence_event = event->type == YAML_SEQUENCE_START_EVENT;
        const char *tag = (const char *)(sequence_event ? event->data.sequence_start.tag
                                                        : event->data.mapping_start.tag);
        const void *anchor = sequence_event ? (const void *)event->data.sequence_start.anchor
                                            : (const void *)event->data.mapping_start.anchor;
        if (anchor != NULL || depth >= l->max_depth || (tag != NULL && !(tag[0] == '!' && tag[1] == '\0')))
            return DECLINED;
        if (Py_EnterRecursiveCall(" while building a YAML brief"))
            return FAILED;
        int status = sequence_event ? sequence(l, depth, out) : mapping(l, depth, out);
        Py_LeaveRecursiveCall();
        return status;
    }
    default: /* an alias */
        return DECLINED;
    }
}

/* The stream: STREAM-START, DOCUMENT-START (no directive), the root node, DOCUMENT-END, STREAM-END. */
static int document(Loader *l, PyObject **out) {
    yaml_event_t event;
    int status = DECLINED;
    if (next_event(l, &event) != BUILT)
        return DECLINED;
    int started = event.type == YAML_STREAM_START_EVENT;
    yaml_event_delete(&event);
    if (!started || next_event(l, &event) != BUILT)
        return DECLINED;
    int plain_start = event.type == YAML_DOCUMENT_START_EVENT && event.data.document_start.version_directive == NULL
                      && event.data.document_start.tag_directives.start == event.data.document_start.tag_directives.end;
    yaml_event_delete(&event);
    if (!plain_start || next_event(l, &event) != BUILT) /* an empty stream, or %YAML / %TAG: the loader's */
        return DECLINED;
    PyObject *root = NULL;
    status = build(l, &event, 0, &root);
    yaml_event_delete(&event);
    if (status != BUILT)
        return status;
    yaml_event_type_t expected[] = {YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT};
    for (int i = 0; i < 2; i++) { /* a second document, or an error after the first: the loader's */
        if (next_event(l, &event) != BUILT) {
            Py_DECREF(root);
            return DECLINED;
        }
        int ok = event.type == expected[i];
        yaml_event_delete(&event);
        if (!ok) {
            Py_DECREF(root);
            return DECLINED;
        }
    }
    *out = root;
    return BUILT;
}

static PyObject *load(PyObject *self, PyObject *args) {
    PyObject *text, *maybe_typed, *known, *resolve, *unusual;
    int max_depth;
    if (!PyArg_ParseTuple(args, "UO!O!OOi:load", &text, &PyBytes_Type, &maybe_typed, &PyDict_Type, &known, &resolve,
                          &unusual, &max_depth))
        return NULL;
    if (!PyCallable_Check(resolve)) {
        PyErr_SetString(PyExc_TypeError, "load(text, maybe_typed, known, resolve: callable, unusual, max_depth)");
        return NULL;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) { /* a lone surrogate: the loader refuses it with its position */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Loader l = {.maybe_typed = PyBytes_AS_STRING(maybe_typed), .maybe_typed_len = PyBytes_GET_SIZE(maybe_typed),
                .known = known, .resolve = resolve, .unusual = unusual, .max_depth = max_depth, .duplicates = 0};
    if (!yaml_parser_initialize(&l.parser))
        return PyErr_NoMemory();
    yaml_parser_set_input_string(&l.parser, (const unsigned char *)utf8, (size_t)size);
    yaml_parser_set_encoding(&l.parser, YAML_UTF8_ENCODING);
    PyObject *root = NULL;
    int status = document(&l, &root);
    yaml_parser_delete(&l.parser);
    if (status == FAILED)
        return NULL;
    if (status == DECLINED)
        Py_RETURN_NONE;
    PyObject *result = Py_BuildValue("(NO)", root, l.duplicates ? Py_True : Py_False);
    return result;
}

static PyMethodDef methods[] = {
    {"load", load, METH_VARARGS,
     "load(text, maybe_typed, known, resolve, unusual, max_depth) -> (data, has_duplicate_keys) | None\n\n"
     "One YAML document of the common kind as Python data; None when the text needs brief's full loader."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "brief.format._yaml",
                                    "An ordinary YAML brief as Python data, from libyaml's events.", -1, methods};

PyMODINIT_FUNC PyInit__yaml(void) { return PyModule_Create(&module); }
