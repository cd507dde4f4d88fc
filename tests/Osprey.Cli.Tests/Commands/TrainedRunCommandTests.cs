using System.Text.Json.Nodes;
using Osprey.Data.Images;
using Osprey.Models;
using Osprey.Training;

namespace Osprey.Cli.Tests.Commands;

/// <summary>predict (several sources, globs, a bad file skipped, every decodable format, --attention refused for a classifier), val (--json, --split) and info (a checkpoint, --set) on one trained run.</summary>
public class TrainedRunCommandTests(TrainedTinyRun run) : IClassFixture<TrainedTinyRun>
{
    [Fact]
    public void PredictTakesSeveralSourcesAndGlobsAndSkipsAnUnreadableFile()
    {
        using var extra = new Osprey.Tests.Data.TempFolder();
        File.Copy(run.Data.PathOf("val/top-left/00.png"), extra.PathOf("good.png"));
        extra.Write("broken.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);   // a PNG signature, then nothing
        extra.Write("notes.txt", "not an image"u8.ToArray());
        var glob = Path.Combine(run.Data.Root, "val", "top-*", "0?.png");   // 6 files in each of top-left and top-right
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best,
            "--source", glob, extra.Root, run.Data.PathOf("val/bottom/03.png"), "--json");
        Assert.Equal(1, code);
        Assert.Contains($"skipped {extra.PathOf("broken.png")}: cannot decode", err);
        Assert.Contains("1 of 15 file(s) could not be read", err);
        var sources = JsonNode.Parse(output)!.AsArray().Select(p => (string)p!["source"]!).ToList();
        Assert.Equal(14, sources.Count);   // 12 from the glob (top-left, top-right: 00..05), good.png, bottom/03.png
        Assert.Contains(extra.PathOf("good.png"), sources);
        Assert.Contains(run.Data.PathOf("val/bottom/03.png"), sources);
        Assert.DoesNotContain(sources, s => s.EndsWith("notes.txt", StringComparison.Ordinal));
        Assert.Equal(12, sources.Count(s => s.Contains("/val/top-", StringComparison.Ordinal)));
    }

    [Fact]
    public void PredictReadsTiffWebPBmpAndCmykJpegInAFolder()
    {
        using var folder = new Osprey.Tests.Data.TempFolder();
        string[] files = ["cmyk.jpg", "ycck.jpg", "rgb_lzw.tif", "lossy_alpha.webp", "palette8.bmp"];
        foreach (var file in files)
            File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "images", "formats", file), folder.PathOf(file));
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", folder.Root, "--json", "--device", "cpu");
        Assert.True(code == 0, err);
        var sources = JsonNode.Parse(output)!.AsArray().Select(p => Path.GetFileName((string)p!["source"]!)).ToList();
        Assert.Equal(files.Order(StringComparer.Ordinal), sources);
    }

    [Fact]
    public void PredictOfAGlobMatchingNothingNamesIt()
    {
        var (code, _, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", Path.Combine(run.Data.Root, "*.jpg"));
        Assert.Equal(1, code);
        Assert.Contains($"source pattern {Path.Combine(run.Data.Root, "*.jpg")} matches no files", err);
    }

    [Fact]
    public void AttentionPicturesAreRefusedForAModelWithoutCrossAttention()
    {
        var (code, _, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", run.Data.PathOf("val/bottom/03.png"), "--attention");
        Assert.Equal(2, code);
        Assert.Contains("--attention", err);
        Assert.Contains("only DETR models have cross-attention maps", err);
    }

    [Fact]
    public void ImageFilesExpandsGlobsInOrder()
    {
        var files = ImageFiles.Find([Path.Combine(run.Data.Root, "**", "top-right", "*.png"), run.Data.PathOf("val/top-right/00.png")]);
        Assert.Equal(12, files.Count);   // train/ and val/ top-right 00..05; the file named again is listed once
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
        Assert.All(files, f => Assert.Contains("/top-right/", f));
    }

    [Fact]
    public void ValJsonAndSplit()
    {
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--json", "--workers", "0", "device=cpu");
        Assert.True(code == 0, err);
        var report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("val", (string?)report["split"]);
        Assert.Equal("classify", (string?)report["task"]);
        var top1 = (double)report["metrics"]!["top-1"]!;
        Assert.InRange(top1, 0, 1);
        var rows = report["per_class"]!.AsArray();
        Assert.Equal(["bottom", "top-left", "top-right"], rows.Select(r => (string)r!["class"]!));
        Assert.All(rows, r => Assert.Equal("6", (string?)r!["images"]));
        Assert.EndsWith(": 18 images", (string?)report["headline"]);

        (code, output, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--json", "--split", "train", "--workers", "0");
        Assert.True(code == 0, err);
        report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("train", (string?)report["split"]);
        Assert.EndsWith("train split: 19 images", (string?)report["headline"]);
        Assert.Equal("7", (string?)report["per_class"]![0]!["images"]);

        (code, _, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--split", "test");
        Assert.Equal(2, code);
        Assert.Contains("--split test: expected val or train", err);
    }

    [Fact]
    public void FastInferenceIsTheDefaultAndGivesThePlainResults()
    {
        var (code, fast, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--json", "--workers", "0");
        Assert.True(code == 0, err);
        // resnet18: the stem, two per basic block (8 blocks) and three downsample paths
        Assert.Contains("inference: fast (20 conv+BatchNorm folded, channels-last weights", err);
        (code, var plain, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--json", "--workers", "0", "--inference", "plain");
        Assert.True(code == 0, err);
        Assert.Contains("inference: plain", err);
        var (a, b) = (JsonNode.Parse(fast)!.AsObject(), JsonNode.Parse(plain)!.AsObject());
        Assert.Equal(b["per_class"]!.ToJsonString(), a["per_class"]!.ToJsonString());
        Assert.Equal((double)b["metrics"]!["top-1"]!, (double)a["metrics"]!["top-1"]!);

        var glob = Path.Combine(run.Data.Root, "val", "*", "*.png");
        (code, fast, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", glob, "--json", "--top", "1");
        Assert.True(code == 0, err);
        (code, plain, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", glob, "--json", "--top", "1", "--inference", "plain");
        Assert.True(code == 0, err);
        static List<(string Source, string Name, double Probability)> Top1(string json) => JsonNode.Parse(json)!.AsArray()
            .Select(p => ((string)p!["source"]!, (string)p["top"]![0]!["name"]!, (double)p["top"]![0]!["probability"]!)).ToList();
        var (fastRows, plainRows) = (Top1(fast), Top1(plain));
        Assert.Equal(18, fastRows.Count);
        Assert.Equal(plainRows.Select(r => (r.Source, r.Name)), fastRows.Select(r => (r.Source, r.Name)));
        Assert.All(fastRows.Zip(plainRows), pair => Assert.InRange(pair.First.Probability - pair.Second.Probability, -1e-4, 1e-4));

        (code, _, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--inference", "quick");
        Assert.Equal(2, code);
        Assert.Contains("quick", err);
    }

    /// <summary>predict --top 3 on the 18 validation images under <paramref name="mode"/>: (source, class) -> probability.</summary>
    (Dictionary<(string, string), double> Probabilities, string Err) PredictTop3(string mode)
    {
        var glob = Path.Combine(run.Data.Root, "val", "*", "*.png");
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "predict", "--weights", run.Best, "--source", glob, "--json", "--top", "3", "--inference", mode);
        Assert.True(code == 0, err);
        var probabilities = JsonNode.Parse(output)!.AsArray()
            .SelectMany(p => p!["top"]!.AsArray().Select(t => (((string)p["source"]!, (string)t!["name"]!), (double)t["probability"]!)))
            .ToDictionary();
        Assert.Equal(18 * 3, probabilities.Count);
        return (probabilities, err);
    }

    /// <summary>The same (source, class) pairs as plain's, each probability within <paramref name="tolerance"/>, and
    /// not all equal (the reduced precision did run).</summary>
    static void CloseToPlainButNotEqual(Dictionary<(string, string), double> actual, Dictionary<(string, string), double> plain, double tolerance)
    {
        Assert.Equal(plain.Keys.Order(), actual.Keys.Order());
        Assert.All(actual, p => Assert.InRange(p.Value - plain[p.Key], -tolerance, tolerance));
        Assert.Contains(actual, p => Math.Abs(p.Value - plain[p.Key]) > 1e-6);
    }

    [Fact]
    public void Bf16InferenceGivesThePlainResultsToBf16Precision()
    {
        var (bf16, err) = PredictTop3("bf16");
        Assert.Contains("inference: bf16 autocast over the fast path (20 conv+BatchNorm folded", err);
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Equal(!Osprey.Torch.Diagnostics.Bf16Kernels.Describe(flags).StartsWith("yes", StringComparison.Ordinal),
                     err.Contains("warning: --inference bf16 on this CPU"));
        CloseToPlainButNotEqual(bf16, PredictTop3("plain").Probabilities, 2e-2);
    }

    [Fact]
    public void Int8InferenceCalibratesOnTheTrainingImages()
    {
        var (int8, err) = PredictTop3("int8");
        // resnet18's 20 folded pairs; the 19 training images (fewer than the 256 asked for)
        Assert.Contains("inference: int8 (20 conv+BatchNorm folded, per-channel qint8 weights, quint8 activations calibrated on 19 images", err);
        CloseToPlainButNotEqual(int8, PredictTop3("plain").Probabilities, 0.1);

        var (code, _, missing) = OspreyProcess.Run(run.Work.Root, "val", "--weights", run.Best, "--inference", "int8", "--data", Path.Combine(run.Work.Root, "missing"));
        Assert.NotEqual(0, code);
        Assert.Contains("missing", missing);
    }

    [Fact]
    public void InfoOfACheckpointDescribesItsModel()
    {
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "info", run.Best);
        Assert.True(code == 0, err);
        Assert.Contains("classify run of resnet18, epoch 1; 3 classes [bottom, top-left, top-right]; 3x16x16 inputs", output);
        Assert.Contains("width=4", output);
        using var trained = TrainedModel.Load(run.Best);
        long parameters = trained.Model.Parameters().Sum(p => p.NumEl);
        Assert.Contains(FormattableString.Invariant($" {parameters:N0} parameters"), output);
    }

    [Fact]
    public async Task CheckpointFormatDocumentsWhatAPythonReaderFinds()
    {
        // The package-free Python reader of docs/checkpoint-format.md, run as printed on this run's checkpoint.
        var doc = File.ReadAllText(Path.Combine(OspreyProcess.RepositoryRoot, "docs", "checkpoint-format.md"));
        var blocks = doc.Split("```python\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();
        var reader = Assert.Single(blocks, b => b.Contains("sys.argv[1]", StringComparison.Ordinal));
        using var folder = new Osprey.Tests.Data.TempFolder();
        File.WriteAllText(folder.PathOf("read_ckpt.py"), reader);
        var python = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", [folder.PathOf("read_ckpt.py"), run.Best])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = python.StandardOutput.ReadToEndAsync();
        var err = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, err);
        using var trained = TrainedModel.Load(run.Best);
        var state = trained.Model.StateDict();
        Assert.Equal(FormattableString.Invariant(
            $"osprey.training-checkpoint {trained.Epoch} classify resnet18 3 {state.Count} {state.Values.Sum(t => t.NumEl)}"), (await output).Trim());
    }

    [Fact]
    public void InfoListsAPlainSafetensorsStateDict()
    {
        using var folder = new Osprey.Tests.Data.TempFolder();
        var path = folder.PathOf("weights.safetensors");
        long values;
        int count;
        using (var trained = TrainedModel.Load(run.Best))
        {
            var state = trained.Model.StateDict();
            Osprey.Torch.Serialization.SafeTensors.Save(path, state);
            (values, count) = (state.Values.Sum(t => t.NumEl), state.Count);
        }
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "info", path);
        Assert.True(code == 0, err);
        Assert.Contains(FormattableString.Invariant($"{path}: a state dict of {count} tensors, {values:N0} values"), output);
        Assert.Matches(@"\n  fc\.weight +float32 +\[3, 32\]\n", output);

        (code, _, err) = OspreyProcess.Run(run.Work.Root, "val", "--weights", path);
        Assert.Equal(1, code);
        Assert.Contains($"{path}: not an Osprey training checkpoint", err);
        Assert.Contains("osprey info lists its tensors", err);
    }

    [Fact]
    public void InfoTakesModelOptions()
    {
        var (code, output, err) = OspreyProcess.Run(run.Work.Root, "info", "resnet18", "--set", "width=8", "--classes", "3", "--imgsz", "32");
        Assert.True(code == 0, err);
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(NumClasses: 3).With("width", "8"));
        long parameters = model.Parameters().Sum(p => p.NumEl);
        Assert.Contains(FormattableString.Invariant($" {parameters:N0} parameters"), output);

        (code, _, err) = OspreyProcess.Run(run.Work.Root, "info", "resnet18", "--set", "depth=3");
        Assert.Equal(2, code);
        Assert.Contains("model 'resnet18' has no option 'depth'", err);
    }
}
