using System.Text.Json;
using System.Text.RegularExpressions;
using Osprey.Tests.Data;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class ReportHtmlTests
{
    const string ResultsCsv = "epoch,train/loss,val/loss,metrics/accuracy_top1,lr\n1,2.1,1.9,0.41,0.01\n2,1.5,1.2,0.62,0.005\n";

    /// <summary>A run folder with args.yaml, results.csv, results.png, both confusion matrices and a batch grid.</summary>
    static TempFolder RunFolder()
    {
        var folder = new TempFolder();
        folder.Write("args.yaml", System.Text.Encoding.UTF8.GetBytes("task: classify\nmodel: seresnet18\nepochs: 2\nlr0: 0.01\n"));
        var results = ResultsTable.Read(folder.Write("results.csv", System.Text.Encoding.UTF8.GetBytes(ResultsCsv)));
        ResultsPlot.Save(folder.PathOf("results.png"), results);
        long[,] counts = { { 5, 1 }, { 2, 7 } };
        ConfusionMatrixPlot.Save(folder.PathOf("confusion_matrix.png"), counts, ["cat", "dog"], normalize: false);
        ConfusionMatrixPlot.Save(folder.PathOf("confusion_matrix_normalized.png"), counts, ["cat", "dog"], normalize: true);
        using var tile = TensorBitmap.Blank(64, 64, SKColors.Gray);
        using var grid = ImageGrid.Draw([new GridTile(tile, "cat"), new GridTile(tile, "dog")], 64);
        ImageFile.Write(folder.PathOf("train_batch0.jpg"), grid);
        return folder;
    }

    static RunReport Report(string root) => RunFolderReport.FromFolder(root,
        [new("metrics/accuracy_top1", 0.62), new("metrics/accuracy_top5", 1.0)],
        [new HtmlTable("Per-class accuracy", ["class", "accuracy"], [["cat <tabby>", "0.8333"], ["dog", "0.7778"]])]);

    [Fact]
    public void Report_lists_metrics_pictures_tables_results_and_arguments_with_no_external_resource()
    {
        using var folder = RunFolder();
        var report = Report(folder.Root);
        Assert.Equal(["results.png", "confusion_matrix.png", "confusion_matrix_normalized.png", "train_batch0.jpg"],
                     report.Pictures.Select(p => p.RelativePath));
        Assert.Equal(["task", "model", "epochs", "lr0"], report.Arguments.Select(a => a.Key));
        var html = File.ReadAllText(ReportHtml.Write(folder.Root, report));
        Assert.Contains("<img src=\"results.png\"", html);
        Assert.Contains("<td>cat &lt;tabby&gt;</td>", html);
        Assert.Contains("<td class=\"num\">0.62</td>", html);
        Assert.Contains("<td>seresnet18</td>", html);
        Assert.DoesNotMatch(new Regex("<script|<link|https?://|src=\"/"), html);
    }

    [Fact]
    public void Missing_or_escaping_picture_is_refused_by_name()
    {
        using var folder = RunFolder();
        var report = Report(folder.Root);
        var missing = Assert.Throws<FileNotFoundException>(() => ReportHtml.Write(folder.Root, report with { Pictures = [new("val_batch0_pred.jpg", "x")] }));
        Assert.Contains("val_batch0_pred.jpg", missing.Message);
        var escaping = Assert.Throws<ArgumentException>(() => ReportHtml.Write(folder.Root, report with { Pictures = [new("../results.png", "x")] }));
        Assert.Contains("no '..'", escaping.Message);
        Assert.False(File.Exists(folder.PathOf("report.html")));
    }

    [Fact]
    public void Bad_table_row_names_the_table()
    {
        var table = new HtmlTable("Per-class AP", ["class", "AP50"], [["car"]]);
        var error = Assert.Throws<ArgumentException>(() => ReportHtml.Render(new RunReport("r", [], null, [], [], [table])));
        Assert.Contains("'Per-class AP': row 1 has 1 cells for 2 headers", error.Message);
    }

    [ChromiumFact]
    public void Chromium_loads_every_picture_without_console_errors_and_takes_a_screenshot()
    {
        using var folder = RunFolder();
        var report = Report(folder.Root);
        var path = ReportHtml.Write(folder.Root, report);

        // A copy of the page with a probe: it records errors (uncaught, failed loads, console.error/warn) from the
        // start, and after the load event writes the image check into the DOM, which --dump-dom prints. The report's
        // own content-security policy stays in force for the pictures; only the probe's inline script is allowed.
        const string probe = """
            <script>
            window.__errors = [];
            window.addEventListener('error', e => __errors.push(String(e.message || (e.target && (e.target.src || e.target.href)))), true);
            for (const level of ['error', 'warn']) { const original = console[level]; console[level] = (...a) => { __errors.push(level + ': ' + a.join(' ')); original(...a); }; }
            window.addEventListener('load', () => {
              const images = [...document.images];
              const pre = document.createElement('pre');
              pre.id = 'osprey-check';
              pre.textContent = JSON.stringify({ images: images.length, widths: images.map(i => i.naturalWidth),
                broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')), errors: __errors });
              document.body.appendChild(pre);
            });
            </script>
            """;
        var html = File.ReadAllText(path);
        Assert.Contains("default-src 'none';", html);
        var checkPage = folder.Write("report_check.html", System.Text.Encoding.UTF8.GetBytes(
            html.Replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';").Replace("<head>\n", "<head>\n" + probe)));

        var (dom, log) = HeadlessChromium.Run(checkPage, "--virtual-time-budget=10000", "--dump-dom");
        var match = Regex.Match(dom, "<pre id=\"osprey-check\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(match.Success, $"the probe did not run; chromium printed:\n{dom}\n{log}");
        using var check = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
        Assert.Equal(report.Pictures.Count, check.RootElement.GetProperty("images").GetInt32());
        Assert.All(check.RootElement.GetProperty("widths").EnumerateArray(), w => Assert.True(w.GetInt32() > 0));
        Assert.Equal(0, check.RootElement.GetProperty("broken").GetArrayLength());
        Assert.Equal(0, check.RootElement.GetProperty("errors").GetArrayLength());
        Assert.DoesNotContain(log.Split('\n'), line => line.Contains(":CONSOLE"));

        var screenshot = folder.PathOf("report.png");
        HeadlessChromium.Run(path, $"--screenshot={screenshot}", "--window-size=1280,1600", "--hide-scrollbars");
        using var shot = SKBitmap.Decode(screenshot);
        Assert.Equal((1280, 1600), (shot.Width, shot.Height));
    }
}
