using System.Runtime.InteropServices;
using System.Text;
using Osprey.Torch.Native;
using Osprey.Torch.Tracing;

namespace Osprey.Torch;

/// <summary>
/// One ATen operator, found once by schema name and overload and called through the c10 dispatcher.
/// Typed wrappers keep a static <c>Op</c> each: <c>static readonly Op add = new("aten::add", "Tensor");</c>
/// </summary>
public sealed class Op(string name, string overload = "")
{
    const int MaxResults = 8;
    IntPtr handle;

    public string Name { get; } = name;
    public string Overload { get; } = overload;
    public string FullName => Overload.Length == 0 ? Name : $"{Name}.{Overload}";

    IntPtr Handle
    {
        get
        {
            if (handle != IntPtr.Zero) return handle;
            if (NativeMethods.osp_op_find(Name, Overload, out var found) != 0)
                throw new TorchException($"operator {FullName} not found: {NativeMethods.LastError()}");
            handle = found;
            return found;
        }
    }

    /// <summary>The operator's schema as libtorch declares it.</summary>
    public string Schema
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_op_schema(Handle, out var text), FullName);
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
    }

    /// <summary>Calls the operator; returns its results (tensors are owned by the current scope).</summary>
    public OpResult[] Call(params ReadOnlySpan<Arg> args)
    {
        var recorder = OpRecorder.Current;
        recorder?.BeforeCall(args);
        Span<NativeValue> results = stackalloc NativeValue[MaxResults];
        int n = Invoke(args, results);
        var converted = new OpResult[n];
        for (int k = 0; k < n; k++) converted[k] = OpResult.Adopt(ref results[k]);
        recorder?.AfterCall(this, args, converted, inPlace: false);
        return converted;
    }

    /// <summary>Calls an operator that returns one tensor.</summary>
    public Tensor Tensor(params ReadOnlySpan<Arg> args)
    {
        var recorder = OpRecorder.Current;
        if (recorder != null) return Traced(recorder, args);
        Span<NativeValue> results = stackalloc NativeValue[MaxResults];
        int n = Invoke(args, results);
        if (n == 1 && results[0].Tag == ValueTag.Tensor) return new Tensor(results[0].P);
        var all = new OpResult[n];
        for (int k = 0; k < n; k++) all[k] = OpResult.Adopt(ref results[k]);
        foreach (var r in all) r.Tensor?.Dispose();
        throw new TorchException($"{FullName} returned {n} results, expected one tensor");
    }

    Tensor Traced(OpRecorder recorder, ReadOnlySpan<Arg> args)
    {
        var results = Call(args);
        if (results.Length == 1 && results[0].Tensor is { } t) return t;
        throw new TorchException($"{FullName} returned {results.Length} results, expected one tensor");
    }

    /// <summary>Calls an operator that returns several tensors or one tensor list.</summary>
    public Tensor[] Tensors(params ReadOnlySpan<Arg> args)
    {
        var results = Call(args);
        if (results.Length == 1 && results[0].TensorList is { } list) return list;
        return results.Select(r => r.Tensor ?? throw new TorchException($"{FullName} returned a non-tensor result")).ToArray();
    }

    /// <summary>Calls an in-place operator on <paramref name="self"/> (its first argument) and returns self.</summary>
    public Tensor InPlace(Tensor self, params ReadOnlySpan<Arg> rest)
    {
        var args = new Arg[rest.Length + 1];
        args[0] = self;
        rest.CopyTo(args.AsSpan(1));
        var recorder = OpRecorder.Current;
        recorder?.BeforeCall(args);
        Span<NativeValue> results = stackalloc NativeValue[MaxResults];
        int n = Invoke(args, results);
        for (int k = 0; k < n; k++) OpResult.Adopt(ref results[k]).Tensor?.DisposeUnscoped();
        recorder?.AfterCall(this, args, [], inPlace: true);
        return self;
    }

    /// <summary>Calls an operator that returns one TorchBind object (e.g. <c>quantized::conv2d_prepack</c>).</summary>
    public TorchObject Object(params ReadOnlySpan<Arg> args)
    {
        var r = Call(args);
        if (r.Length == 1 && r[0].Object is { } o) return o;
        foreach (var x in r) x.Object?.Dispose();
        throw new TorchException($"{FullName} did not return an object");
    }

    /// <summary>Calls an operator that returns a number (int, float or bool).</summary>
    public double Number(params ReadOnlySpan<Arg> args)
    {
        var r = Call(args);
        if (r.Length == 1 && r[0].IsNumber) return r[0].Number;
        throw new TorchException($"{FullName} did not return a number");
    }

    unsafe int Invoke(ReadOnlySpan<Arg> args, Span<NativeValue> results)
    {
        int extra = 0;
        foreach (ref readonly var a in args) extra += ExtraBytes(a);
        Span<byte> buffer = extra <= 4096 ? stackalloc byte[extra] : new byte[extra];
        fixed (byte* scratch = buffer)
        {
            NativeValue* values = stackalloc NativeValue[args.Length];
            byte* cursor = scratch;
            for (int k = 0; k < args.Length; k++) values[k] = Lower(args[k], ref cursor);
            long n;
            int status;
            fixed (NativeValue* res = results)
                status = NativeMethods.osp_op_call(Handle, values, args.Length, res, results.Length, out n);
            foreach (ref readonly var a in args) GC.KeepAlive(a.Obj);
            if (status != 0) throw Failure(args);
            return (int)n;
        }
    }

    static int ExtraBytes(in Arg a) => a.Tag switch
    {
        ValueTag.IntList => ((long[])a.Obj!).Length * 8,
        ValueTag.DoubleList => ((double[])a.Obj!).Length * 8,
        ValueTag.BoolList => ((bool[])a.Obj!).Length,
        ValueTag.TensorList => ((Tensor[])a.Obj!).Length * IntPtr.Size,
        ValueTag.OptionalTensorList => ((Tensor?[])a.Obj!).Length * IntPtr.Size,
        ValueTag.String => Encoding.UTF8.GetByteCount((string)a.Obj!),
        _ => 0,
    } is var bytes ? (bytes + 7) & ~7 : 0;

    static unsafe NativeValue Lower(in Arg a, ref byte* cursor)
    {
        var v = new NativeValue { Tag = a.Tag, I = a.I, D = a.D };
        switch (a.Tag)
        {
            case ValueTag.Tensor:
                v.P = ((Tensor)a.Obj!).Handle;
                break;
            case ValueTag.Object:
                v.P = ((TorchObject)a.Obj!).Handle;
                break;
            case ValueTag.IntList:
                v.P = Copy<long>((long[])a.Obj!, ref cursor, out v.N);
                break;
            case ValueTag.DoubleList:
                v.P = Copy<double>((double[])a.Obj!, ref cursor, out v.N);
                break;
            case ValueTag.BoolList:
                v.P = Copy<bool>((bool[])a.Obj!, ref cursor, out v.N);
                break;
            case ValueTag.TensorList:
            case ValueTag.OptionalTensorList:
            {
                var list = (Tensor?[])a.Obj!;
                var handles = (IntPtr*)cursor;
                for (int k = 0; k < list.Length; k++) handles[k] = list[k]?.Handle ?? IntPtr.Zero;
                v.P = (IntPtr)handles;
                v.N = list.Length;
                cursor += (list.Length * IntPtr.Size + 7) & ~7;
                break;
            }
            case ValueTag.String:
            {
                var s = (string)a.Obj!;
                int count = Encoding.UTF8.GetBytes(s, new Span<byte>(cursor, Encoding.UTF8.GetByteCount(s)));
                v.P = (IntPtr)cursor;
                v.N = count;
                cursor += (count + 7) & ~7;
                break;
            }
        }
        return v;
    }

    static unsafe IntPtr Copy<T>(T[] source, ref byte* cursor, out long count) where T : unmanaged
    {
        var target = (T*)cursor;
        source.AsSpan().CopyTo(new Span<T>(target, source.Length));
        count = source.Length;
        cursor += (source.Length * sizeof(T) + 7) & ~7;
        return (IntPtr)target;
    }

    TorchException Failure(ReadOnlySpan<Arg> args)
    {
        var message = NativeMethods.LastError();
        var shown = new List<string>(args.Length);
        foreach (ref readonly var a in args) shown.Add(a.ToString());
        var firstLine = message.Split('\n', 2)[0];
        return new TorchException($"{FullName}({string.Join(", ", shown)}) failed: {firstLine}" +
                                  (firstLine.Length < message.Length ? "\n" + message : ""));
    }
}
