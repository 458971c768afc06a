#pragma once
// Reading the committed reference tables (tests/scripts/reference_*.py): one parser for the
// loss column and for CSV rows by column name, shared by the core tests.
#include <QFile>
#include <QString>
#include <QStringList>

#include <vector>

#include "lpm/Loss.h"
#include "lpm/Problem.h"

namespace lpm::test {

// A reference table's loss: its name and "a=0.1" / "tau=1" / "m=0.5" / "gamma=0.2;tau=0.5".
inline Loss referenceLoss(const QString& name, const QString& params) {
  Loss l;
  l.kind = lossFromString(name.toStdString());
  for (const QString& kv : params.split(';', Qt::SkipEmptyParts)) {
    const QString k = kv.section('=', 0, 0);
    const double v = kv.section('=', 1).toDouble();
    if (k == "a") l.alpha = v;
    else if (k == "tau") l.tau = v;
    else if (k == "m") l.margin = v;
    else if (k == "gamma") l.gamma = v;
  }
  return l;
}

// Rows of a committed CSV, by column name ("inf" read as infinity).
struct Table {
  QStringList header;
  std::vector<QStringList> rows;
  explicit Table(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return;
    header = QString(f.readLine()).trimmed().split(',');
    while (!f.atEnd()) {
      const QStringList c = QString(f.readLine()).trimmed().split(',');
      if (c.size() >= header.size()) rows.push_back(c);
    }
  }
  QString at(const QStringList& row, const char* name) const { return row.value(header.indexOf(name)); }
  double num(const QStringList& row, const char* name) const {
    const QString v = at(row, name);
    return v == "inf" ? kInfinity : v.toDouble();
  }
};

}  // namespace lpm::test
