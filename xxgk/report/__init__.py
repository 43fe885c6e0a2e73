"""The report document: one context dict (context.py) rendered to Word/PDF (docx.py, pdf.py) and HTML (html.py).

jinja.py holds the one sandboxed Jinja environment, its filters, the narrative snippets and the template lint.
"""
