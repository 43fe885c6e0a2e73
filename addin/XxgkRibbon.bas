Attribute VB_Name = "XxgkRibbon"
' xxgk ribbon add-in: all the VBA there is. Every button of customUI.xml calls OnAction; the
' button's Tag names the Python action, run as: pythonw -I -m xxgk.excel <tag> --wb=... --from_xl=1
' --hwnd=... (the arguments xlwings' Book.caller() reads). Python does the work and shows its own
' messages in Excel. The interpreter path comes from the per-user file written by
' "xxgk addin install" (Windows) or from the AppleScript it installs (macOS), never from the user's
' workbook; nothing from any workbook is ever run. The source stays ASCII: Chinese messages are
' spelt as \uXXXX escapes and decoded by U().
Option Explicit

Private Const TITLE As String = "xxgk"
Private Const MSG_NOT_INSTALLED As String = "\u6CA1\u6709\u627E\u5230 xxgk \u7684 Python \u73AF\u5883\u3002\u8BF7\u5728\u547D\u4EE4\u884C\u8FD0\u884C\u201Cxxgk addin install\u201D\u91CD\u65B0\u5B89\u88C5\u52A0\u8F7D\u9879\u3002"
Private Const MSG_NO_START As String = "\u65E0\u6CD5\u542F\u52A8 Python\uFF08\u53EF\u80FD\u88AB\u5B89\u5168\u8F6F\u4EF6\u62E6\u622A\uFF0C\u8BF7\u8054\u7CFB\u4FE1\u606F\u6280\u672F\u4EBA\u5458\u628A Python \u52A0\u5165\u5141\u8BB8\u540D\u5355\uFF09\uFF1A"
Private Const MSG_FAILED As String = "xxgk \u672A\u80FD\u5B8C\u6210\u64CD\u4F5C\uFF08\u9000\u51FA\u7801 {code}\uFF09\u3002\u8BF7\u5728\u547D\u4EE4\u884C\u5BF9\u8BE5\u5DE5\u4F5C\u7C3F\u8FD0\u884C\u201Cxxgk check\u201D\u67E5\u770B\u539F\u56E0\u3002"

' The one ribbon callback. "As Object" rather than IRibbonControl: no reference to the Office
' type library is needed, so the project carries no version-specific reference.
Public Sub OnAction(control As Object)
    Dim action As String
    action = control.Tag
    If Not IsActionName(action) Then Exit Sub
#If Mac Then
    RunOnMac action
#Else
    RunOnWindows action
#End If
End Sub

' Tags are lower-case words (check, report, ...): nothing else is ever passed to Python.
Private Function IsActionName(ByVal s As String) As Boolean
    Dim i As Long
    If Len(s) = 0 Or Len(s) > 32 Then Exit Function
    For i = 1 To Len(s)
        If Not (Mid$(s, i, 1) Like "[a-z_]") Then Exit Function
    Next i
    IsActionName = True
End Function

' The workbook the user works on; empty when there is none (an add-in is never the active workbook).
Private Function CallerName() As String
    If Not ActiveWorkbook Is Nothing Then CallerName = ActiveWorkbook.Name
End Function

#If Mac Then

Private Sub RunOnMac(ByVal action As String)
    Dim result As String
    On Error GoTo Failed
    result = AppleScriptTask("xxgk.applescript", "runXxgk", action & vbLf & CallerName())
    If Len(result) > 0 Then MsgBox result, vbCritical, TITLE
    Exit Sub
Failed:
    MsgBox U(MSG_NOT_INSTALLED) & vbLf & Err.Description, vbCritical, TITLE
End Sub

#Else

Private Sub RunOnWindows(ByVal action As String)
    Dim wsh As Object, python As String, cmd As String, code As Long, detail As String
    On Error GoTo Failed
    Set wsh = CreateObject("WScript.Shell")
    python = ConfiguredPython(wsh)
    If Len(python) = 0 Then
        wsh.Popup U(MSG_NOT_INSTALLED), 0, TITLE, 16
        Exit Sub
    End If
    cmd = Quoted(python) & " -I -m xxgk.excel " & action & " " & Quoted("--wb=" & CallerName()) _
        & " --from_xl=1 --hwnd=" & CStr(Application.Hwnd)
    wsh.CurrentDirectory = ConfigFolder(wsh)
    ' Hidden window; wait, so that the workbook is not edited while Python reads and writes it.
    code = wsh.Run(cmd, 0, True)
    If code <> 0 Then
        detail = ReadUnicodeFile(ConfigFolder(wsh) & "\last-error.txt")
        If Len(detail) = 0 Then detail = Replace(U(MSG_FAILED), "{code}", CStr(code))
        wsh.Popup detail, 0, TITLE, 16
    End If
    Exit Sub
Failed:
    If wsh Is Nothing Then
        MsgBox Err.Description, vbCritical, TITLE
    Else
        wsh.Popup U(MSG_NO_START) & Err.Description & vbLf & python, 0, TITLE, 16
    End If
End Sub

Private Function ConfigFolder(wsh As Object) As String
    ConfigFolder = wsh.ExpandEnvironmentStrings("%APPDATA%") & "\xxgk"
End Function

' The interpreter named in %APPDATA%\xxgk\addin.conf (a line "python=C:\...\pythonw.exe"), if it exists.
Private Function ConfiguredPython(wsh As Object) As String
    Dim entry As Variant, found As String
    For Each entry In Split(Replace(ReadUnicodeFile(ConfigFolder(wsh) & "\addin.conf"), vbCr, ""), vbLf)
        If Left$(entry, 7) = "python=" Then found = Mid$(entry, 8)
    Next entry
    If Len(found) > 0 Then
        If CreateObject("Scripting.FileSystemObject").FileExists(found) Then ConfiguredPython = found
    End If
End Function

' A UTF-16 text file (so that Chinese user and folder names survive); empty when it does not exist.
Private Function ReadUnicodeFile(ByVal path As String) As String
    Dim fso As Object, stream As Object, content As String
    Set fso = CreateObject("Scripting.FileSystemObject")
    If Not fso.FileExists(path) Then Exit Function
    Set stream = fso.OpenTextFile(path, 1, False, -1)
    If Not stream.AtEndOfStream Then content = stream.ReadAll
    stream.Close
    If Left$(content, 1) = ChrW(&HFEFF) Then content = Mid$(content, 2)
    ReadUnicodeFile = content
End Function

Private Function Quoted(ByVal s As String) As String
    Quoted = """" & s & """"
End Function

#End If

' "\uXXXX" -> the UTF-16 code unit XXXX; every other character as it is.
Private Function U(ByVal s As String) As String
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(s)
        If Mid$(s, i, 2) = "\u" And i + 5 <= Len(s) Then
            out = out & ChrW(CLng("&H" & Mid$(s, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(s, i, 1)
            i = i + 1
        End If
    Loop
    U = out
End Function
