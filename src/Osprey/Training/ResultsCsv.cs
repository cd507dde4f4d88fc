using System.Globalization;
using System.Text;
using Osprey.Torch.Serialization;

namespace Osprey.Training;

/// <summary>
/// results.csv of a run: a header, then one row per finished epoch. The whole file is rewritten atomically after each
/// epoch, so it never holds a half-written row; on resume the rows of epochs after the checkpoint are dropped.
/// </summary>
public sealed class ResultsCsv
{
    readonly List<string> rows = [];

    public ResultsCsv(string path, IReadOnlyList<string> columns)
    {
        Path = path;
        Columns = columns;
    }

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<string> Rows => rows;

    /// <summary>Keeps the rows of an existing file whose epoch is at most <paramref name="epochs"/> (resume).</summary>
    public void LoadExisting(long epochs)
    {
        rows.Clear();
        if (!File.Exists(Path)) return;
        var lines = File.ReadAllLines(Path);
        if (lines.Length == 0) return;
        if (lines[0] != string.Join(",", Columns))
            throw new InvalidDataException($"{Path}: header '{lines[0]}' differs from this run's columns '{string.Join(",", Columns)}'");
        foreach (var line in lines.Skip(1))
            if (long.TryParse(line.Split(',')[0], CultureInfo.InvariantCulture, out var epoch) && epoch <= epochs) rows.Add(line);
    }

    public void Append(IReadOnlyList<double> values)
    {
        if (values.Count != Columns.Count) throw new ArgumentException($"results row has {values.Count} values for {Columns.Count} columns");
        rows.Add(string.Join(",", values.Select((v, i) => i == 0 ? ((long)v).ToString(CultureInfo.InvariantCulture) : Format(v))));
        AtomicFile.Write(Path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(string.Join(",", Columns) + "\n");
            foreach (var row in rows) writer.Write(row + "\n");
        });
    }

    static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);
}
