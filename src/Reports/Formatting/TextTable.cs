using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace AsyncProf.Reports.Formatting
{
    public enum Align { Left, Right }

    /// <summary>A plain text table: columns padded with spaces, two spaces between columns, no trailing blanks.</summary>
    public sealed class TextTable
    {
        readonly List<(string Header, Align Align)> _columns = new();
        readonly List<string[]> _rows = new();

        public TextTable Column(string header, Align align)
        {
            if (_rows.Count > 0) throw new InvalidOperationException("add every column before the first row");
            _columns.Add((header, align));
            return this;
        }

        public void Row(params string[] cells)
        {
            if (cells.Length != _columns.Count)
                throw new ArgumentException($"{cells.Length} cells for {_columns.Count} columns", nameof(cells));
            _rows.Add(cells);
        }

        public void Write(TextWriter output)
        {
            var widths = _columns.Select((c, i) => Math.Max(c.Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
            WriteLine(output, _columns.Select(c => c.Header).ToArray(), widths);
            foreach (var row in _rows) WriteLine(output, row, widths);
        }

        void WriteLine(TextWriter output, string[] cells, int[] widths)
        {
            var parts = new string[cells.Length];
            for (var i = 0; i < cells.Length; i++)
                parts[i] = _columns[i].Align == Align.Right ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
            output.WriteLine(string.Join("  ", parts).TrimEnd());
        }
    }
}
