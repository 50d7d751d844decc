"""Identify results: the attributes of the feature clicked on the map."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from pakmap.numbers import format_number


class IdentifyPanel(QTreeWidget):
    """Field / value rows of the identified features, one branch per feature."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Field", "Value"])
        self.setColumnWidth(0, 160)

    def show_features(self, layer, rows) -> None:
        self.clear()
        if layer is None or not len(rows):
            self.addTopLevelItem(QTreeWidgetItem(["(nothing here)", ""]))
            return
        fields = layer.fields
        for row in rows[:20]:  # a click rarely hits more; the attribute table shows the rest
            record = layer.attributes.iloc[int(row)]  # no geometry: a point layer's frame is never built
            title = str(record["name"]) if "name" in fields else f"feature {int(row) + 1}"
            top = QTreeWidgetItem([f"{layer.name}: {title}", ""])
            for field in fields:
                value = record[field]
                text = str(value) if isinstance(value, bool) else format_number(value)
                if field in getattr(layer, "sensitive_fields", {}):
                    field = f"⚠ {field}"
                top.addChild(QTreeWidgetItem([str(field), text]))
            self.addTopLevelItem(top)
            top.setExpanded(True)
