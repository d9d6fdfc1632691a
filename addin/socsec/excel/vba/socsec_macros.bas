Attribute VB_Name = "socsec_macros"
' socsec: the Run button of a country workbook. Written for socsec and kept as text in
' addin/socsec/excel/vba/socsec_macros.bas; import it into a macro-enabled copy of the workbook
' (.xlsm) with File > Import File in the VBA editor (Alt+F11). It needs the xlwings add-in
' (installed by install\windows\install.cmd or install/macos/install.sh) and, in the VBA editor's
' Tools > References, a tick at "xlwings".
Option Explicit

Sub SocsecRun()
    ' Reads every input block of this workbook, runs the valuation chain in Python and writes the
    ' result sheets, the Cover stamp and a Log row; bad input: a message box listing the problems.
    ' Python side: socsec.excel.macros.run_valuation_macro
    ' ThisWorkbook.Name: Python acts on this workbook only (RunPython calls it for the active one)
    RunPython "import socsec.excel.macros as m; m.run_valuation_macro('" & Replace(ThisWorkbook.Name, "'", "\'") & "')"
End Sub
