"""The Excel layer: xlwings macros and user-defined functions (the only package importing xlwings).

* :mod:`socsec.excel.book`   - the book interface (read) and the writer over a live xlwings Book;
* :mod:`socsec.excel.macros` - ``run_valuation_macro()``: the whole chain on the calling workbook;
* :mod:`socsec.excel.udfs`   - the ``SOCSEC_...`` worksheet functions;
* :mod:`socsec.excel.xlcall` - xlwings' own Windows UDF machinery (argument and return
  conversion, VBA wrapper generation) made to run on any system, for tests and ``socsec excel vba``.
"""
