using System.Globalization;
using System.Text;

namespace Osprey.Models.Summary;

/// <summary>
/// Formats layer rows as ultralytics prints its model table: index right-aligned in 3, 'from' in 20, repeats in 3,
/// parameters in 10, two spaces, the module type left-aligned in 45, then the arguments.
/// </summary>
public static class LayerTable
{
    public static string Header => $"{"",3}{"from",20}{"n",3}{"params",10}  {"module",-45}{"arguments"}";

    public static string Row(LayerRow row) =>
        string.Create(CultureInfo.InvariantCulture, $"{row.Index,3}{row.From,20}{row.Repeats,3}{row.Parameters,10}  {row.Module,-45}{row.Arguments}");

    public static string Format(IEnumerable<LayerRow> rows)
    {
        var text = new StringBuilder().AppendLine(Header);
        foreach (var row in rows) text.AppendLine(Row(row));
        return text.ToString();
    }
}
