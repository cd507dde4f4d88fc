using System.Text;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary>
/// A two-column check/result table as wide as the terminal (Spectre's profile width), whose long results are wrapped
/// by this class at spaces, after '/' and after ',' so that a path breaks between its folders, never inside a name.
/// </summary>
public sealed class FittedTable
{
    readonly List<(string Check, string Result, string? Color)> rows = [];

    public void AddRow(string check, string result, string? color = null) => rows.Add((check, result, color));

    public Table Build()
    {
        var table = new Table().Border(Console.IsOutputRedirected ? TableBorder.Ascii : TableBorder.Rounded).AddColumn("check").AddColumn("result");
        int first = Math.Max("check".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Check.Length));
        // Borders and padding: "| " + first + " | " + second + " |".
        int second = Math.Max(20, AnsiConsole.Profile.Width - first - 7);
        foreach (var (check, result, color) in rows)
        {
            var text = Markup.Escape(Wrap(result, second));
            table.AddRow(Markup.Escape(check), color is null ? text : $"[{color}]{text}[/]");
        }
        return table;
    }

    /// <summary>Greedy line filling over pieces that end at a space, '/' or ','; a piece longer than a line is cut.</summary>
    public static string Wrap(string text, int width)
    {
        var pieces = new List<string>();
        var piece = new StringBuilder();
        foreach (var c in text)
        {
            piece.Append(c);
            if (c is ' ' or '/' or ',')
            {
                pieces.Add(piece.ToString());
                piece.Clear();
            }
        }
        if (piece.Length > 0) pieces.Add(piece.ToString());
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var p in pieces)
        {
            if (line.Length > 0 && line.Length + p.TrimEnd().Length > width)
            {
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
            }
            var rest = p;
            while (rest.TrimEnd().Length > width)
            {
                lines.Add(rest[..width]);
                rest = rest[width..];
            }
            line.Append(rest);
        }
        if (line.Length > 0) lines.Add(line.ToString().TrimEnd());
        return string.Join('\n', lines);
    }
}
