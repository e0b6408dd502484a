"""The dialog-state graph panel: layout (pure Python), items, view and panel."""
