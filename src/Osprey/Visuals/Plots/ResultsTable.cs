using System.Globalization;

namespace Osprey.Visuals.Plots;

/// <summary>A run's results.csv read back: the column names and one value per (row, column); empty cells are NaN.</summary>
public sealed class ResultsTable
{
    public ResultsTable(IReadOnlyList<string> columns, IReadOnlyList<double[]> rows)
    {
        if (columns.Count == 0) throw new ArgumentException("results table has no columns");
        for (int r = 0; r < rows.Count; r++)
            if (rows[r].Length != columns.Count)
                throw new ArgumentException($"results row {r + 1} has {rows[r].Length} values for {columns.Count} columns");
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<double[]> Rows { get; }

    /// <summary>The values of column <paramref name="name"/>, one per row.</summary>
    public double[] Column(string name)
    {
        int index = Columns.ToList().IndexOf(name);
        if (index < 0) throw new KeyNotFoundException($"results table has no column '{name}' (columns: {string.Join(", ", Columns)})");
        return Rows.Select(r => r[index]).ToArray();
    }

    public static ResultsTable Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim().Length == 0) throw new InvalidDataException($"{path}: empty, expected a header line");
        var columns = lines[0].Split(',').Select(c => c.Trim()).ToArray();
        var rows = new List<double[]>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var cells = lines[i].Split(',');
            if (cells.Length != columns.Length)
                throw new InvalidDataException($"{path}:{i + 1}: {cells.Length} cells, the header has {columns.Length}");
            var row = new double[cells.Length];
            for (int c = 0; c < cells.Length; c++)
            {
                var cell = cells[c].Trim();
                if (cell.Length == 0) { row[c] = double.NaN; continue; }
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]))
                    throw new InvalidDataException($"{path}:{i + 1}: column '{columns[c]}' holds '{cell}', expected a number");
            }
            rows.Add(row);
        }
        return new ResultsTable(columns, rows);
    }
}
