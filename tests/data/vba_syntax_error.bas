Public Sub Broken() If Then End Sub
