using System.Globalization;

namespace Osprey.Models.Detection.Yolo;

/// <summary>Formats argument values as Python's str() of a list prints them (ultralytics' layer table shows the
/// bound arguments that way): None, True/False, 0.25, 1.0, 'nearest', [64, 128, 256].</summary>
public static class PythonLiteral
{
    public static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d when double.IsPositiveInfinity(d) => "inf",
        double d => d == Math.Floor(d) && Math.Abs(d) < 1e16 ? d.ToString("F1", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture),
        string s => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'",
        YoloSymbol symbol => symbol.Name,
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };
}
