using System.Globalization;
using System.Net;
using System.Text;
using Osprey.Torch.Serialization;

namespace Osprey.Visuals.Report;

/// <summary>
/// report.html: one self-contained page (inline CSS, no scripts, nothing fetched from the network) with the run's final
/// metrics, pictures by relative path, per-class tables, the last epochs of results.csv and the arguments.
/// </summary>
public static class ReportHtml
{
    public const int ResultsRowsShown = 10;

    const string Style = """
        body{font-family:"DejaVu Sans",sans-serif;margin:24px;color:#222;background:#fff}
        h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
        th{background:#f0f3fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
        figure{display:inline-block;margin:8px 16px 16px 0;vertical-align:top}figure img{max-width:100%;border:1px solid #ddd}
        figcaption{font-size:12px;color:#555}
        """;

    /// <summary>Writes <paramref name="report"/> as report.html in <paramref name="runDirectory"/> (atomically); every
    /// picture must exist there. Returns the file's path.</summary>
    public static string Write(string runDirectory, RunReport report)
    {
        foreach (var picture in report.Pictures)
        {
            var full = Path.Combine(runDirectory, CheckRelative(picture.RelativePath));
            if (!File.Exists(full)) throw new FileNotFoundException($"report picture {picture.RelativePath} is not in {runDirectory}", full);
        }
        var path = Path.Combine(runDirectory, RunFolderReport.ReportFile);
        var bytes = new UTF8Encoding(false).GetBytes(Render(report));
        AtomicFile.Write(path, stream => stream.Write(bytes));
        return path;
    }

    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(report.Title)).Append("</h1>\n");
        if (report.FinalMetrics.Count > 0)
        {
            html.Append("<h2>Final metrics</h2>\n");
            Table(html, ["metric", "value"], report.FinalMetrics.Select(m => (IReadOnlyList<string>)[m.Key, Number(m.Value)]).ToList());
        }
        if (report.Pictures.Count > 0)
        {
            html.Append("<h2>Pictures</h2>\n");
            foreach (var picture in report.Pictures)
                html.Append("<figure><img src=\"").Append(E(Url(picture.RelativePath))).Append("\" alt=\"").Append(E(picture.Caption))
                    .Append("\"><figcaption>").Append(E(picture.Caption)).Append("</figcaption></figure>\n");
        }
        foreach (var table in report.Tables)
        {
            table.Validated();
            html.Append("<h2>").Append(E(table.Title)).Append("</h2>\n");
            Table(html, table.Headers, table.Rows);
        }
        if (report.Results is { Rows.Count: > 0 } results)
        {
            var shown = results.Rows.Skip(Math.Max(0, results.Rows.Count - ResultsRowsShown)).ToList();
            html.Append("<h2>results.csv").Append(shown.Count < results.Rows.Count ? $" (last {shown.Count} of {results.Rows.Count} epochs)" : "").Append("</h2>\n");
            Table(html, results.Columns, shown.Select(r => (IReadOnlyList<string>)r.Select(Number).ToList()).ToList());
        }
        if (report.Arguments.Count > 0)
        {
            html.Append("<h2>Arguments (args.yaml)</h2>\n");
            Table(html, ["argument", "value"], report.Arguments.Select(a => (IReadOnlyList<string>)[a.Key, a.Value]).ToList());
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    static void Table(StringBuilder html, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        html.Append("<table>\n<tr>");
        foreach (var h in headers) html.Append("<th>").Append(E(h)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
                html.Append(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "<td class=\"num\">" : "<td>")
                    .Append(E(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    static string Number(double v) => double.IsNaN(v) ? "" : v.ToString("G6", CultureInfo.InvariantCulture);

    static string E(string text) => WebUtility.HtmlEncode(text);

    static string Url(string relative) => string.Join("/", relative.Split('/').Select(Uri.EscapeDataString));

    static string CheckRelative(string relative)
    {
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.Contains('\\') || relative.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"report picture path '{relative}' must be relative to the run folder, with '/' separators and no '..'");
        return relative;
    }
}
