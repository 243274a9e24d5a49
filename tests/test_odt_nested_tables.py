"""An OpenDocument text's table nested in a table cell (a form laid out as tables: a patient's
details in a cell of the page's layout table) is read: its rows become that cell's text, as a
Word document's nested table does (`crawler.documents`). The row used to read the cell's own
paragraphs only: the nested table's identifiers were lost."""

from __future__ import annotations

from crawler.attachments import expand_attachment
from tests.fixtures.archives import zip_of
from tests.test_documents import _ODT_NS, LIMITS


def _cell(inner: str) -> str:
    return f'<table:table-cell office:value-type="string">{inner}</table:table-cell>'


def _table(rows: list[list[str]], header: bool = False) -> str:
    body = "".join("<table:table-row>" + "".join(row) + "</table:table-row>" for row in rows)
    return "<table:table>" + (f"<table:table-header-rows>{body}</table:table-header-rows>" if header else body) + \
        "</table:table>"


def test_a_table_nested_in_a_cell_is_read_as_that_cell_s_text() -> None:
    details = _table([[_cell("<text:p>Nom</text:p>"), _cell("<text:p>Martin</text:p>")],
                      [_cell("<text:p>Courriel</text:p>"), _cell("<text:p>claire.martin@exemple.fr</text:p>")]])
    deeper = _table([[_cell("<text:p>Tel</text:p>"), _cell("<text:p>06 12 34 56 78</text:p>")]], header=True)
    layout = _table([[_cell("<text:p>Patiente</text:p>" + details), _cell("<text:p>Contact</text:p>"
                                                                          + _table([[_cell(deeper)]]))],
                     [_cell("<text:p>Médecin</text:p>"), _cell("<text:p>dr.durand@exemple.fr</text:p>")]])
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}><office:body>'
               f"<office:text><text:p>Fiche</text:p>{layout}<text:p>fin</text:p></office:text></office:body>"
               "</office:document-content>")
    odt = zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content})
    (part,) = expand_attachment("fiche.odt", odt, LIMITS)
    lines = part.data.decode().split("\n")
    assert lines == ["Fiche", "Patiente Nom Martin Courriel claire.martin@exemple.fr\tContact Tel 06 12 34 56 78",
                     "Médecin\tdr.durand@exemple.fr", "", "fin", ""], lines
