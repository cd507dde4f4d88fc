using System.Text;

namespace Osprey.Torch.Serialization;

/// <summary>C# implementations of the container and helper globals that pickles of plain data use.</summary>
internal static class Containers
{
    /// <summary>collections.OrderedDict() or OrderedDict([(k, v), ...]).</summary>
    public static object? OrderedDict(object?[] args)
    {
        var dict = new PickleDict();
        if (args.Length == 0) return dict;
        if (args.Length > 1) throw new InvalidDataException($"takes at most 1 argument, got {args.Length}");
        foreach (var item in Items(args[0]))
        {
            var (key, value) = item switch
            {
                object?[] { Length: 2 } pair => (pair[0], pair[1]),
                List<object?> { Count: 2 } pair => (pair[0], pair[1]),
                _ => throw new InvalidDataException("items must be (key, value) pairs"),
            };
            dict[Key(key)] = value;
        }
        return dict;
    }

    /// <summary>collections.defaultdict(factory): kept as a plain dict; the factory is a name and is not called.</summary>
    public static object? DefaultDict(object?[] args)
    {
        if (args.Length > 1) throw new InvalidDataException($"takes at most 1 argument here, got {args.Length}");
        if (args.Length == 1 && args[0] is not (null or PickledGlobal))
            throw new InvalidDataException($"default factory must be a class name, got {Describe(args[0])}");
        return new PickleDict();
    }

    public static object? Set(object?[] args, string kind)
    {
        var set = new HashSet<object?>(PickleKeyComparer.Instance);
        if (args.Length == 0) return set;
        if (args.Length > 1) throw new InvalidDataException($"{kind} takes at most 1 argument, got {args.Length}");
        foreach (var item in Items(args[0])) set.Add(item);
        return set;
    }

    /// <summary>bytearray(), bytearray(bytes) or, in protocol 2, bytearray(text, 'latin-1').</summary>
    public static object? ByteArray(object?[] args) => args switch
    {
        [] => Array.Empty<byte>(),
        [byte[] bytes] => bytes,
        [string text, string encoding] => Encode([text, encoding]),
        _ => throw new InvalidDataException("expected (), (bytes) or (str, encoding)"),
    };

    /// <summary>_codecs.encode(text, 'latin1'): how protocol 2 pickles bytes objects.</summary>
    public static object? Encode(object?[] args)
    {
        if (args is not [string text, string encoding]) throw new InvalidDataException("expected (str, encoding)");
        switch (encoding.ToLowerInvariant().Replace('_', '-'))
        {
            case "latin1" or "latin-1" or "iso-8859-1":
                var bytes = new byte[text.Length];
                for (int k = 0; k < text.Length; k++)
                    bytes[k] = text[k] <= 0xff ? (byte)text[k] : throw new InvalidDataException($"character U+{(int)text[k]:X4} is not latin-1");
                return bytes;
            case "utf8" or "utf-8":
                return Encoding.UTF8.GetBytes(text);
            case "ascii":
                return Encoding.ASCII.GetBytes(text);
            default:
                throw new InvalidDataException($"encoding '{encoding}' is not one pickles use for bytes");
        }
    }

    /// <summary>copyreg._reconstructor(cls, base, state): protocol 0/1's way to instantiate a class.</summary>
    public static object? Reconstructor(object?[] args)
    {
        if (args is not [PickledGlobal cls, PickledGlobal, var state])
            throw new InvalidDataException("expected (class, base class, state)");
        if (!PickleGlobals.LooksLikeClass(cls))
            throw new InvalidDataException($"{cls.FullName} is not a class");
        return new PickledObject(cls, state is null ? [] : [state]);
    }

    /// <summary>torch.Size((d0, d1, ...)) as the dimensions.</summary>
    public static object? TorchSize(object?[] args)
    {
        if (args is not [object?[] dims]) throw new InvalidDataException("expected one tuple of dimensions");
        return dims.Select(d => d is long v ? v : throw new InvalidDataException($"dimension {Describe(d)} is not an int")).ToArray();
    }

    public static object Key(object? key) => key switch
    {
        null => throw new InvalidDataException("a dict key of None is not supported"),
        List<object?> or PickleDict or HashSet<object?> => throw new InvalidDataException($"unhashable dict key ({Describe(key)})"),
        _ => key,
    };

    static IEnumerable<object?> Items(object? iterable) => iterable switch
    {
        object?[] tuple => tuple,
        List<object?> list => list,
        HashSet<object?> set => set,
        _ => throw new InvalidDataException($"expected a list or tuple, got {Describe(iterable)}"),
    };

    /// <summary>A short description of a pickled value for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string s => s.Length <= 40 ? $"'{s}'" : $"a {s.Length}-character string",
        long or double or bool => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        object?[] t => $"a {t.Length}-tuple",
        List<object?> l => $"a {l.Count}-item list",
        PickleDict d => $"a {d.Count}-item dict",
        byte[] b => $"{b.Length} bytes",
        Tensor t => t.Describe(),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
