"""The calls the web client makes for the first page of a view, with the specification it
builds from the view's arch: the query-count tests and bench/register_bench.py use them."""

from lxml import etree

from odoo.tools.safe_eval import safe_eval

PAGE = 80  # a list's first page
KANBAN_PAGE = 40  # cards per kanban column
COUNT_LIMIT = 10_001  # the web client counts up to 10,000 and asks for one more
SUBLIST_LIMIT = 40  # rows of a form's one2many list
# Fields a widget adds to the record's own specification (its fieldDependencies in mail's JS).
ACTIVITY_WIDGET_FIELDS = (
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_state",
    "activity_summary",
    "activity_type_icon",
    "activity_type_id",
)
WIDGET_FIELDS = {"list_activity": ACTIVITY_WIDGET_FIELDS, "kanban_activity": ACTIVITY_WIDGET_FIELDS}


def _field_spec(field):
    """What the web client asks of a field shown without a sub-view (getFieldsSpec)."""
    if field.type in ("many2one", "reference", "one2many", "many2many"):
        return {"fields": {"display_name": {}}}
    return {}


def _node_spec(Model, root):
    """The specification of the fields directly under ``root`` (a sub-view's own)."""
    spec = {}
    for node in root.iter("field"):
        if next((p for p in node.iterancestors() if p.tag == "field"), None) is not None:
            continue  # a field of a sub-view, read through its parent field
        name = node.get("name")
        field = Model._fields[name]
        spec[name] = _field_spec(field)
        sublist = node.find("list")
        if sublist is not None:
            Sub = Model.env[field.comodel_name]
            spec[name] = {
                "fields": _sub_spec(Sub, sublist),
                "limit": SUBLIST_LIMIT,
                "order": "",
            }
        for extra in WIDGET_FIELDS.get(node.get("widget"), ()):
            spec.setdefault(extra, _field_spec(Model._fields[extra]))
    return spec


def _sub_spec(Model, sublist):
    return {
        node.get("name"): _field_spec(Model._fields[node.get("name")])
        for node in sublist.iter("field")
    }


def view_spec(Model, view_type="list", view_id=False):
    """The specification of ``Model``'s view (the default one unless ``view_id``), as the web
    client reads it for the user of ``Model.env``."""
    arch = Model.get_views([(view_id, view_type)])["views"][view_type]["arch"]
    return _node_spec(Model, etree.fromstring(arch))


def search_filter(Model, name):
    """The domain of the filter ``name`` of ``Model``'s default search view (uid as the user)."""
    arch = Model.get_views([(False, "search")])["views"]["search"]["arch"]
    node = etree.fromstring(arch).find(f".//filter[@name='{name}']")
    return safe_eval(node.get("domain"), {"uid": Model.env.uid})


def search_field(Model, name, value):
    """The domain the web client makes of ``value`` typed in the search bar and chosen for the
    field ``name`` of ``Model``'s default search view: its filter_domain with ``self`` the text,
    else ``(name, 'ilike', value)`` (a text or a record's name, as for a Char or a Many2one)."""
    arch = Model.get_views([(False, "search")])["views"]["search"]["arch"]
    node = etree.fromstring(arch).find(f".//field[@name='{name}']")
    if node.get("filter_domain"):
        return safe_eval(node.get("filter_domain"), {"self": value, "uid": Model.env.uid})
    return [(name, "ilike", value)]


def first_page(Model, domain, spec, limit=PAGE):
    """web_search_read of a list's first page (of an ungrouped kanban's with ``limit``
    KANBAN_PAGE): (records shown, count)."""
    result = Model.web_search_read(
        domain, spec, offset=0, limit=limit, order="", count_limit=COUNT_LIMIT
    )
    return len(result["records"]), result["length"]


def kanban_first_page(Model, domain, group_by, spec):
    """web_read_group of a grouped kanban with its group_expand: (cards shown, count)."""
    result = Model.with_context(read_group_expand=True).web_read_group(
        domain,
        [group_by],
        [],
        limit=None,
        offset=0,
        order="",
        auto_unfold=True,
        opening_info=[],
        unfold_read_specification=spec,
        unfold_read_default_limit=KANBAN_PAGE,
        groupby_read_specification={},
    )
    groups = result["groups"]
    return (
        sum(len(group.get("__records", ())) for group in groups),
        sum(group["__count"] for group in groups),
    )


def form_read(Model, ids, spec):
    """web_read of a form (its one2many lists limited as the web client limits them)."""
    return Model.browse(ids).web_read(spec)


class QueryCountMixin:
    """For a TransactionCase: a list's first page costs as many queries with three times the
    documents (no query per record). A test makes N of them (make_records, defined by the
    class), and assertQueriesDoNotGrow makes 2 N more."""

    N = 3  # the records a test makes before the first count

    def make_records(self, count):
        """``count`` more of the records the measured lists show."""
        raise NotImplementedError

    def assertQueriesDoNotGrow(self, call, grow=None):
        """``call()`` (a first page) makes no more queries once ``grow()`` (by default
        ``make_records(2 N)``) has added twice the documents there were; the pages' (shown,
        count) before and after."""
        grow = grow or (lambda: self.make_records(2 * self.N))
        call()  # the ormcaches (views, rules, groups) warm, as on a running server
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        before = call()
        queries = self.cr.sql_log_count - start
        grow()
        call()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            after = call()
        return before, after
