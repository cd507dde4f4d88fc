using System.Text.RegularExpressions;

namespace Osprey.Torch.Serialization;

/// <summary>
/// The security policy of the unpickler: what a GLOBAL may name and what it becomes.
/// <list type="bullet">
/// <item>Modules that can run code or touch the system (os, subprocess, builtins, ...) are refused on sight.</item>
/// <item>A small allow-list is understood and implemented in C# (OrderedDict, set, tensor rebuilds, ...).</item>
/// <item>Anything else becomes an inert <see cref="PickledGlobal"/>: a class may be "instantiated" as an
/// inert <see cref="PickledObject"/>, but calling it as a function is refused (see <see cref="LooksLikeClass"/>).</item>
/// </list>
/// </summary>
internal sealed partial class PickleGlobals
{
    static readonly HashSet<string> DeniedModules =
    [
        "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "sys", "builtins", "importlib", "imp", "runpy",
        "shutil", "socket", "socketserver", "ssl", "select", "selectors", "pickle", "_pickle", "pickletools", "marshal",
        "shelve", "dill", "cloudpickle", "joblib", "ctypes", "cffi", "code", "codeop", "pty", "tty", "fcntl", "resource",
        "mmap", "multiprocessing", "concurrent", "threading", "_thread", "signal", "asyncio", "webbrowser", "pydoc",
        "pdb", "bdb", "types", "functools", "operator", "copyreg", "io", "_io", "tempfile", "glob", "inspect", "site",
        "sysconfig", "zipimport", "pkgutil", "ensurepip", "venv", "distutils", "setuptools", "pip", "gc", "platform",
        "commands", "popen2", "urllib", "urllib2", "http", "httplib", "ftplib", "smtplib", "telnetlib", "xmlrpc",
        "requests", "nturl2path", "_posixsubprocess", "_winapi", "msvcrt", "winreg", "atexit", "__builtins__",
    ];

    /// <summary>Builtins that are plain data types; referenced by name only (never called) unless understood below.</summary>
    static readonly HashSet<string> DataBuiltins =
        ["object", "int", "float", "complex", "str", "bytes", "bool", "list", "dict", "tuple", "slice", "range", "NoneType"];

    /// <summary>Plain data classes that live in otherwise refused modules; they are kept as inert records.</summary>
    static readonly HashSet<string> DataClassesInRefusedModules = ["types.SimpleNamespace"];

    /// <summary>Classes whose names start in lower case, which <see cref="LooksLikeClass"/> would take for functions.</summary>
    static readonly HashSet<string> LowerCaseClasses = ["torch.device", "torch.dtype", "torch.layout", "torch.memory_format"];

    /// <summary>Globals PyTorch checkpoints can name that we recognise but cannot load.</summary>
    static readonly Dictionary<string, string> Unsupported = new()
    {
        ["torch._utils._rebuild_qtensor"] = "quantized tensors are not supported",
        ["torch._utils._rebuild_sparse_tensor"] = "sparse tensors are not supported",
        ["torch._utils._rebuild_sparse_csr_tensor"] = "sparse CSR tensors are not supported",
        ["torch._utils._rebuild_nested_tensor"] = "nested tensors are not supported",
        ["torch._utils._rebuild_device_tensor_from_numpy"] = "tensors stored as numpy arrays are not supported",
        ["torch._utils._rebuild_xla_tensor"] = "XLA tensors are not supported",
        ["torch._utils._rebuild_mlc_tensor"] = "MLC tensors are not supported",
        ["torch._utils._rebuild_meta_tensor_no_storage"] = "meta tensors (no data) are not supported",
        ["torch._utils._rebuild_wrapper_subclass"] = "tensor wrapper subclasses are not supported",
        ["torch.storage._load_from_bytes"] = "storages pickled with plain pickle (a nested torch.save inside) are not supported",
        ["numpy.core.multiarray._reconstruct"] = "numpy arrays are not supported",
        ["numpy._core.multiarray._reconstruct"] = "numpy arrays are not supported",
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex DottedName();

    readonly Dictionary<string, PickleFunction> understood = new();
    readonly Dictionary<string, PickledGlobal> inert = new();

    public PickleGlobals(TorchRebuild torch)
    {
        Add("collections", "OrderedDict", Containers.OrderedDict, isClass: true);
        Add("collections", "defaultdict", Containers.DefaultDict, isClass: true);
        Add("builtins", "set", a => Containers.Set(a, "set"), isClass: true);
        Add("builtins", "frozenset", a => Containers.Set(a, "frozenset"), isClass: true);
        Add("builtins", "bytearray", Containers.ByteArray, isClass: true);
        Add("_codecs", "encode", Containers.Encode);
        Add("copyreg", "_reconstructor", Containers.Reconstructor);
        Add("torch", "Size", Containers.TorchSize, isClass: true);
        Add("torch._utils", "_rebuild_tensor", torch.RebuildTensor);
        Add("torch._utils", "_rebuild_tensor_v2", torch.RebuildTensorV2);
        Add("torch._utils", "_rebuild_parameter", torch.RebuildParameter);
        Add("torch._utils", "_rebuild_parameter_with_state", torch.RebuildParameter);
        Add("torch._tensor", "_rebuild_from_type", torch.RebuildFromType);
        Add("torch._tensor", "_rebuild_from_type_v2", torch.RebuildFromType);
        foreach (var numpy in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
            Add(numpy, "scalar", NumpyValues.Scalar);
        Add("numpy", "dtype", NumpyValues.DType, isClass: true);
    }

    void Add(string module, string name, Func<object?[], object?> invoke, bool isClass = false) =>
        understood[$"{module}.{name}"] = new PickleFunction(module, name, invoke, isClass);

    /// <summary>What GLOBAL module/name stands for: a <see cref="PickleFunction"/> or an inert <see cref="PickledGlobal"/>.</summary>
    public object Resolve(string module, string name)
    {
        module = module switch { "__builtin__" => "builtins", "copy_reg" => "copyreg", _ => module };
        if (!DottedName().IsMatch(module) || !DottedName().IsMatch(name))
            throw new InvalidDataException($"refused global '{module}.{name}': not a dotted Python name");
        var full = $"{module}.{name}";
        if (understood.TryGetValue(full, out var function)) return function;
        if (Unsupported.TryGetValue(full, out var reason))
            throw new InvalidDataException($"refused global {full}: {reason}");

        // A protocol-4 name may be an attribute path ("os.system" inside another module): check every part of it.
        var nameParts = name.Split('.');
        var moduleParts = module == "__main__" ? [] : module.Split('.');
        if (moduleParts.Concat(nameParts).FirstOrDefault(s => s.StartsWith("__") && s.EndsWith("__")) is { } dunder)
            throw new InvalidDataException($"refused global {full}: names the special attribute '{dunder}', a known way to reach code");
        if (module == "builtins" && nameParts.Length == 1 && DataBuiltins.Contains(name))
            return Inert(module, name);
        if (DataClassesInRefusedModules.Contains(full)) return Inert(module, name);
        var top = module.Split('.')[0];
        if (new[] { top }.Concat(nameParts).FirstOrDefault(DeniedModules.Contains) is { } denied)
            throw new InvalidDataException($"refused global {full}: module '{denied}' can run code or reach the system, and is never loaded");
        return Inert(module, name);
    }

    PickledGlobal Inert(string module, string name)
    {
        var full = $"{module}.{name}";
        if (!inert.TryGetValue(full, out var g)) inert[full] = g = new PickledGlobal(module, name);
        return g;
    }

    /// <summary>
    /// Python names classes in CapWords and functions in lower case; pickles of real objects only
    /// instantiate classes. A REDUCE on a lower-case global is a function call and is refused.
    /// </summary>
    public static bool LooksLikeClass(PickledGlobal g)
    {
        if (LowerCaseClasses.Contains(g.FullName)) return true;
        var last = g.Name[(g.Name.LastIndexOf('.') + 1)..].TrimStart('_');
        return last.Length > 0 && char.IsUpper(last[0]);
    }
}
