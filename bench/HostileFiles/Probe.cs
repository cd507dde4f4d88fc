using System.Diagnostics;
using System.Text.Json;
using Osprey.Data.Images;
using Osprey.Torch;

namespace HostileFiles;

/// <summary>Opens one file in this (fresh) process and prints what happened and what it cost as one JSON line.</summary>
static class Probe
{
    public static int Run(string reader, string file)
    {
        Warm();
        GC.Collect();
        long before = Memory.ResidentBytes;
        Memory.ResetPeak();
        var clock = Stopwatch.StartNew();
        string outcome, type = "", message;
        try
        {
            message = Readers.Open(reader, file);
            outcome = "loaded";
        }
        catch (Exception e)
        {
            outcome = Readers.IsRefusal(e) ? "refused" : "unexpected";
            type = e.GetType().Name;
            message = e.Message;
        }
        double ms = clock.Elapsed.TotalMilliseconds;
        long growth = Math.Max(0, Memory.PeakBytes - before);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            file, reader, outcome, type, message, rss_growth_mb = Math.Round(growth / 1048576.0, 1), ms = Math.Round(ms),
        }));
        return 0;
    }

    /// <summary>Loads libtorch and the codecs first, so their start-up memory is not counted against the file.</summary>
    public static void Warm()
    {
        using (var scope = TensorScope.Begin()) Tensor.Zeros([4]).Sum();
        _ = ImageCodec.Library;
        using var s = TensorScope.Begin();
        ImageCodec.Decode(ImageCodec.EncodePng(Tensor.Zeros([1, 2, 2], DType.UInt8)));
    }
}
