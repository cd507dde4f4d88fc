namespace Osprey.Torch.Serialization;

/// <summary>
/// Loads files written by PyTorch's <c>torch.save</c> (the zip format and the legacy format) without
/// running any code from them (see <see cref="Unpickler"/> for what a file may contain), and safetensors files
/// (<c>safetensors.torch.save_file</c>, Osprey's own .ckpt), found by their first bytes whatever their name.
/// </summary>
public static class TorchLoad
{
    /// <summary>
    /// The saved object as a tree: <see cref="PickleDict"/> for dicts, <c>List&lt;object?&gt;</c> for lists,
    /// <c>object?[]</c> for tuples, <c>HashSet&lt;object?&gt;</c> for sets, long / double / bool / string / byte[]
    /// (BigInteger for huge ints), null for None, <see cref="Tensor"/> (owned by the current scope, CPU), and
    /// <see cref="PickledObject"/> for instances of other classes (such as a pickled nn.Module). A safetensors file is a
    /// dict of its tensors by name; an Osprey training checkpoint is split into its parts: <c>model</c>, <c>ema</c> (when
    /// the run kept one), <c>optim</c> (dicts of tensors), <c>rng.cpu</c> and <c>metadata</c> (a dict of strings).
    /// </summary>
    public static object? Load(string path, PickleLimits? limits = null)
    {
        using var scope = TensorScope.Begin();
        var root = LoadInScope(path, limits ?? PickleLimits.Default, out var tensors);
        scope.Keep([.. tensors]);
        return root;
    }

    /// <summary>Whether the file starts as torch.save writes it (a zip archive or the legacy pickle), and not as a
    /// safetensors file (whose JSON header starts at byte 8); only the first bytes are read.</summary>
    public static bool IsTorchFile(string path)
    {
        using var file = UntrustedFile.OpenRead(path, PickleLimits.Default.MaxFileBytes);
        Span<byte> head = stackalloc byte[9];
        int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n == 9 && head[8] == (byte)'{') return false;
        return TorchZipReader.IsZip(head[..n]) || TorchLegacyReader.IsLegacy(head[..n]);
    }

    /// <summary>
    /// The tensors of a model's state dict, named as <c>module.state_dict()</c> names them, found in: a plain
    /// state dict; a dict holding one under <paramref name="key"/> or, when no key is given, under "ema",
    /// "model", "state_dict", "model_state_dict" or "module" (DETR, ultralytics, common training scripts); or a
    /// pickled nn.Module (its parameters and persistent buffers); a safetensors file of tensors; or an Osprey .ckpt
    /// (its EMA weights when it has them, else its model's). Tensors belong to the current scope; the rest of the file
    /// (optimizer state, ...) is released.
    /// </summary>
    public static Dictionary<string, Tensor> LoadStateDict(string path, string? key = null, PickleLimits? limits = null)
    {
        using var scope = TensorScope.Begin();
        limits ??= PickleLimits.Default;
        var root = LoadInScope(path, limits, out _);
        var stateDict = StateDictFinder.Find(root, key, path, limits);
        foreach (var tensor in stateDict.Values)
        {
            if (tensor.RequiresGrad) tensor.RequiresGrad = false;
            if (tensor.Owner == scope) scope.Keep(tensor);
        }
        return stateDict;
    }

    static PickleDict SafeTensorsTree(string path, out List<Tensor> tensors)
    {
        var (named, metadata) = SafeTensors.Load(path);
        tensors = [.. named.Values];
        if (metadata.GetValueOrDefault("format") != TrainingCheckpointFormat.FormatName) return Dict(named);
        var parts = new Dictionary<string, Dictionary<string, Tensor>>(StringComparer.Ordinal);
        var root = new PickleDict();
        foreach (var (name, tensor) in named)
        {
            var (part, key) = TrainingCheckpointFormat.PartOf(name);
            if (key is null)
            {
                root[name] = tensor;
                continue;
            }
            if (!parts.TryGetValue(part, out var dict)) parts[part] = dict = new(StringComparer.Ordinal);
            dict[key] = tensor;
        }
        foreach (var (part, dict) in parts) root[part] = Dict(dict);
        var strings = new PickleDict();
        foreach (var (k, v) in metadata) strings[k] = v;
        root["metadata"] = strings;
        return root;
    }

    static PickleDict Dict(Dictionary<string, Tensor> tensors)
    {
        var dict = new PickleDict();
        foreach (var (k, t) in tensors.OrderBy(p => p.Key, StringComparer.Ordinal)) dict[k] = t;
        return dict;
    }

    static object? LoadInScope(string path, PickleLimits limits, out List<Tensor> tensors)
    {
        try
        {
            using var file = UntrustedFile.OpenRead(path, limits.MaxFileBytes);
            Span<byte> head = stackalloc byte[9];
            int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            TorchRebuild rebuild;
            object? root;
            if (SafeTensors.IsSafeTensors(head[..n]))
            {
                file.Dispose();
                return SafeTensorsTree(path, out tensors);
            }
            if (TorchZipReader.IsZip(head[..n]))
                root = TorchZipReader.Load(path, file, limits, out rebuild);
            else if (TorchLegacyReader.IsLegacy(head[..n]))
            {
                if (file.Length > Array.MaxLength)
                    throw new TorchException($"{path}: legacy-format files over 2 GB are not supported; re-save with torch.save (zip format)");
                // A plain pickle (.pkl) also starts with PROTO: check the magic number before running anything else.
                Span<byte> start = stackalloc byte[TorchLegacyReader.MagicPrefixLength];
                int got = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
                TorchLegacyReader.CheckMagic(path, start[..got]);
                file.Position = 0;
                var bytes = new byte[file.Length];
                file.ReadExactly(bytes);
                root = TorchLegacyReader.Load(path, bytes, limits, out rebuild);
            }
            else
                throw new TorchException($"{path}: not a PyTorch checkpoint: expected a torch.save zip archive or the legacy pickle format");
            tensors = rebuild.Created;
            return root;
        }
        catch (EndOfStreamException)
        {
            throw new TorchException($"{path}: the file ends before the data it declares (truncated?)");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new TorchException($"{path}: cannot open: {e.Message}");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            // Not a regular file, over the size limit, or a damaged archive.
            throw new TorchException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: cannot read: {e.Message}");
        }
    }
}
