using System.Globalization;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// Parses one ultralytics label file: a line per object, <c>class cx cy w h</c> normalized to the image size, or a
/// segment <c>class x1 y1 x2 y2 x3 y3 ...</c> (its box is the points' extent, as ultralytics' segments2boxes). Blank
/// lines are skipped. As ultralytics' verify_image_label, coordinates may exceed [0, 1] by <see cref="Tolerance"/>
/// and exact duplicate lines are removed (counted, for the caller to report); every other problem is an error naming
/// file:line and what was expected. Boxes come out as normalized x1 y1 x2 y2.
/// </summary>
public static class YoloLabelFile
{
    /// <summary>ultralytics' tolerance: points up to 1.01, values down to -0.01.</summary>
    public const float Tolerance = 0.01f;

    /// <summary>Largest label file read (16 MB: some 300,000 boxes).</summary>
    public const long MaxLabelFileBytes = 16 << 20;

    public sealed record Result(float[] Boxes, long[] Classes, int Duplicates);

    /// <summary>The file's boxes; problems are added to <paramref name="errors"/> (the result then holds the good lines).</summary>
    public static Result Parse(string path, int classCount, List<string> errors)
    {
        string text;
        try
        {
            text = UntrustedFile.ReadAllText(path, MaxLabelFileBytes);  // regular files only: a FIFO would hang a loader
        }
        catch (IOException e)
        {
            errors.Add($"{path}: cannot be read ({e.Message})");
            return new Result([], [], 0);
        }
        var boxes = new List<float>();
        var classes = new List<long>();
        var seen = new HashSet<(long, float, float, float, float)>();
        int duplicates = 0;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var where = $"{path}:{i + 1}";
            var tokens = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            if (!ParseLine(tokens, classCount, where, errors, out var cls, out var box)) continue;
            if (!seen.Add((cls, box[0], box[1], box[2], box[3])))
            {
                duplicates++;
                continue;
            }
            classes.Add(cls);
            boxes.AddRange(box);
        }
        return new Result(boxes.ToArray(), classes.ToArray(), duplicates);
    }

    static bool ParseLine(string[] tokens, int classCount, string where, List<string> errors, out long cls, out float[] box)
    {
        cls = -1;
        box = [];
        bool isBox = tokens.Length == 5;
        bool isSegment = tokens.Length >= 7 && tokens.Length % 2 == 1;
        if (!isBox && !isSegment)
        {
            errors.Add($"{where}: {tokens.Length} columns, expected 5 (class cx cy w h) or a segment (class x1 y1 x2 y2 x3 y3 ...: " +
                       "an odd count of at least 7)");
            return false;
        }
        var values = new float[tokens.Length];
        for (int c = 0; c < tokens.Length; c++)
        {
            if (!float.TryParse(tokens[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]))
            {
                errors.Add($"{where}: column {c + 1} '{tokens[c]}' is not a number");
                return false;
            }
            if (!float.IsFinite(values[c]))
            {
                errors.Add($"{where}: column {c + 1} is {tokens[c]}, expected a finite number");
                return false;
            }
        }
        if (values[0] != MathF.Floor(values[0]) || values[0] < 0 || values[0] >= classCount)
        {
            errors.Add($"{where}: class id {tokens[0]} is not one of 0..{classCount - 1} (the dataset has {classCount} names)");
            return false;
        }
        cls = (long)values[0];
        string[] names = isBox ? ["cx", "cy", "w", "h"] : [];
        for (int c = 1; c < values.Length; c++)
        {
            if (values[c] < -Tolerance || values[c] > 1 + Tolerance)
            {
                var name = isBox ? names[c - 1] : (c % 2 == 1 ? $"x{(c + 1) / 2}" : $"y{c / 2}");
                errors.Add($"{where}: {name} = {tokens[c]} is outside [0, 1] (normalized coordinates, tolerance {Tolerance})");
                return false;
            }
        }
        if (isBox)
        {
            float cx = values[1], cy = values[2], w = values[3], h = values[4];
            if (w < 0 || h < 0)
            {
                errors.Add($"{where}: negative {(w < 0 ? "width" : "height")} {(w < 0 ? tokens[3] : tokens[4])}");
                return false;
            }
            box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
            return true;
        }
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        for (int c = 1; c < values.Length; c += 2)
        {
            x1 = MathF.Min(x1, values[c]);
            x2 = MathF.Max(x2, values[c]);
            y1 = MathF.Min(y1, values[c + 1]);
            y2 = MathF.Max(y2, values[c + 1]);
        }
        box = [x1, y1, x2, y2];
        return true;
    }
}
