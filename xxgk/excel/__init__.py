"""The ribbon's Python side: `python -I -m xxgk.excel <action>`, started by the add-in's VBA.

actions.py has one function per button, book.py reads and writes the open workbook, ui.py talks to the
user through Excel. xlwings is imported here only (in __main__.connect); the functions receive its
Book and App objects, so the tests drive them with a fake of the few attributes they use.
"""
