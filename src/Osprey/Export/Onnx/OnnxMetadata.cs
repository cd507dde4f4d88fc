using System.Globalization;

namespace Osprey.Export.Onnx;

/// <summary>The ONNX metadata_props as ultralytics' exporter writes them (Python reprs of the values), plus the
/// normalization a consumer applies to 0..1 RGB input (mean, std).</summary>
static class OnnxMetadata
{
    public static IEnumerable<(string, string)> Props(OnnxExportOptions o)
    {
        if (o.Description.Length > 0) yield return ("description", o.Description);
        yield return ("author", "Osprey");
        yield return ("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        if (o.Task.Length > 0) yield return ("task", o.Task);
        if (o.Stride is { } stride) yield return ("stride", stride.ToString(CultureInfo.InvariantCulture));
        yield return ("batch", o.Batch.ToString(CultureInfo.InvariantCulture));
        yield return ("imgsz", $"[{o.Height}, {o.Width}]");
        yield return ("half", o.Half ? "True" : "False");
        yield return ("nms", o.Nms != null ? "True" : "False");
        yield return ("channels", o.Channels.ToString(CultureInfo.InvariantCulture));
        if (o.DynamicSize && o.SizeStep is { } step) yield return ("size_step", step.ToString(CultureInfo.InvariantCulture));
        if (o.SizeDivisor is { } divisor) yield return ("size_divisor", divisor.ToString(CultureInfo.InvariantCulture));
        if (o.Names.Count > 0)
            yield return ("names", "{" + string.Join(", ", o.Names.Select((n, i) => $"{i}: {PythonString(n)}")) + "}");
        if (o.Mean != null) yield return ("mean", Floats(o.Mean));
        if (o.Std != null) yield return ("std", Floats(o.Std));
    }

    static string Floats(float[] values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    static string PythonString(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
