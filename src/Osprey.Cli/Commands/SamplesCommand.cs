using System.CommandLine;
using Osprey.Data.Images;
using Osprey.Torch;
using Osprey.Training.Classification;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey samples</c>: writes a few images of a dataset as PNG files named &lt;index&gt;_&lt;class&gt;.png (to look at, or to feed predict).</summary>
public static class SamplesCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "fashion-mnist, mnist:<dir>, or a folder with train/ and val/", DefaultValueFactory = _ => "fashion-mnist" };
        var split = new Option<string>("--split") { Description = "train or val", DefaultValueFactory = _ => "val" };
        var count = new Option<int>("--count") { Description = "how many images (spread evenly over the split)", DefaultValueFactory = _ => 8 };
        var output = new Option<string>("--out") { Description = "the folder to write to", Required = true };
        var command = new Command("samples", "Export a few dataset images as PNG files named <index>_<class>.png") { data, split, count, output };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(data)!, result.GetValue(split)!, result.GetValue(count), result.GetValue(output)!)));
        return command;
    }

    static int Run(string data, string split, int count, string output)
    {
        if (split is not ("train" or "val")) return Cli.Usage($"--split {split}: expected train or val");
        if (count < 1) return Cli.Usage($"--count {count}: expected an integer >= 1");
        var source = ClassificationSource.Open(data);
        var dataset = split == "train" ? source.Train : source.Val;
        Directory.CreateDirectory(output);
        int n = Math.Min(count, dataset.Count);
        for (int k = 0; k < n; k++)
        {
            int index = (int)((long)k * dataset.Count / n);
            using var scope = TensorScope.Begin();
            var sample = dataset.Get(index);
            var name = string.Concat(dataset.Classes[(int)sample.Label].Select(c => char.IsLetterOrDigit(c) ? c : '-'));
            var path = Path.Combine(output, $"{index:D5}_{name}.png");
            ImageCodec.Write(path, sample.Image);
            Console.WriteLine(path);
        }
        return Cli.Ok;
    }
}
