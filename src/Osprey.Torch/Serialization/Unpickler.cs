using System.Numerics;
using O = Osprey.Torch.Serialization.PickleOpcodes;

namespace Osprey.Torch.Serialization;

/// <summary>
/// A restricted pickle virtual machine. It builds plain data (numbers, strings, tuples, lists, dicts,
/// sets), tensors through <see cref="TorchRebuild"/>, and inert records for other classes; it never
/// imports a module or runs Python code. Globals are vetted by <see cref="PickleGlobals"/>, and every
/// size, count and depth is bounded by <see cref="PickleLimits"/>.
/// </summary>
internal sealed class Unpickler(PickleReader reader, PickleGlobals globals, Func<object?, object?> persistentLoad, PickleLimits limits)
{
    readonly List<object?> stack = [];
    readonly Stack<int> marks = new();
    readonly Dictionary<long, object?> memo = new();
    readonly Dictionary<object, int> depths = new(ReferenceEqualityComparer.Instance);

    /// <summary>Runs the pickle to its STOP and returns the value it built.</summary>
    public object? Load()
    {
        using var compareBudget = PickleKeyComparer.BeginBudget(limits.MaxKeyCompareSteps);
        while (true)
        {
            int at = reader.Position;
            byte op = reader.ReadByte();
            try
            {
                if (op == O.Stop) return Finish();
                Step(op);
            }
            catch (InvalidDataException e)
            {
                throw reader.Error($"at byte {at}: {e.Message}");
            }
        }
    }

    object? Finish()
    {
        if (stack.Count != 1 || marks.Count != 0)
            throw new InvalidDataException($"STOP with {stack.Count} values and {marks.Count} open marks on the stack (expected one value)");
        if (PickleGraph.Depth(stack[0]) is var depth && depth > limits.MaxDepth)
            throw new InvalidDataException($"values nest deeper than {limits.MaxDepth} levels ({depth}, counted once complete: nesting built top-down)");
        return stack[0];
    }

    void Step(byte op)
    {
        switch (op)
        {
            case O.Proto:
                if (reader.ReadByte() is var version && version > 5) throw new InvalidDataException($"pickle protocol {version} is newer than 5");
                break;
            case O.Frame:
                if (reader.ReadUInt64("FRAME length") > (ulong)reader.Remaining)
                    throw new InvalidDataException($"FRAME is longer than the {reader.Remaining} bytes left");
                break;
            case O.Mark:
                if (marks.Count >= limits.MaxMarks) throw new InvalidDataException($"more than {limits.MaxMarks} open MARKs");
                marks.Push(stack.Count);
                break;
            case O.Pop:
                if (stack.Count > 0 && (marks.Count == 0 || marks.Peek() < stack.Count)) Pop();
                else PopMark();
                break;
            case O.PopMark: PopMark(); break;
            case O.Dup: Push(Peek("DUP")); break;

            case O.None: Push(null); break;
            case O.NewTrue: Push(true); break;
            case O.NewFalse: Push(false); break;
            case O.BinInt: Push((long)reader.ReadInt32("BININT")); break;
            case O.BinInt1: Push((long)reader.ReadByte()); break;
            case O.BinInt2: Push((long)reader.ReadUInt16("BININT2")); break;
            case O.Long1: Push(ReadLong(reader.ReadByte())); break;
            case O.Long4:
                int n = reader.ReadInt32("LONG4 length");
                if (n < 0 || n > limits.MaxLongBytes) throw new InvalidDataException($"LONG4 of {n} bytes (limit {limits.MaxLongBytes})");
                Push(ReadLong(n));
                break;
            case O.BinFloat: Push(reader.ReadBigEndianDouble()); break;

            case O.BinUnicode: Push(PickleReader.Utf8(reader.ReadCounted(4, "BINUNICODE"))); break;
            case O.ShortBinUnicode: Push(PickleReader.Utf8(reader.ReadCounted(1, "SHORT_BINUNICODE"))); break;
            case O.BinUnicode8: Push(PickleReader.Utf8(reader.ReadCounted(8, "BINUNICODE8"))); break;
            // Python 2 str: torch.load decodes it as UTF-8 by default.
            case O.BinString: Push(PickleReader.Utf8(reader.ReadCounted(4, "BINSTRING"))); break;
            case O.ShortBinString: Push(PickleReader.Utf8(reader.ReadCounted(1, "SHORT_BINSTRING"))); break;
            case O.BinBytes: Push(reader.ReadCounted(4, "BINBYTES").ToArray()); break;
            case O.ShortBinBytes: Push(reader.ReadCounted(1, "SHORT_BINBYTES").ToArray()); break;
            case O.BinBytes8: Push(reader.ReadCounted(8, "BINBYTES8").ToArray()); break;
            case O.ByteArray8: Push(reader.ReadCounted(8, "BYTEARRAY8").ToArray()); break;

            case O.EmptyTuple: Push(Array.Empty<object?>()); break;
            case O.Tuple: Push(MakeTuple(PopMark())); break;
            case O.Tuple1: Push(MakeTuple(PopN(1))); break;
            case O.Tuple2: Push(MakeTuple(PopN(2))); break;
            case O.Tuple3: Push(MakeTuple(PopN(3))); break;
            case O.EmptyList: Push(Track(new List<object?>(), 1)); break;
            case O.List: { var items = PopMark(); var list = Track(new List<object?>(), 1); AppendTo(list, items); Push(list); break; }
            case O.Append: { var item = Pop(); AppendTo(Peek("APPEND"), [item]); break; }
            case O.Appends: { var items = PopMark(); AppendTo(Peek("APPENDS"), items); break; }
            case O.EmptyDict: Push(Track(new PickleDict(), 1)); break;
            case O.Dict: { var items = PopMark(); var dict = Track(new PickleDict(), 1); SetItems(dict, items); Push(dict); break; }
            case O.SetItem: { var value = Pop(); var key = Pop(); SetItems(Peek("SETITEM"), [key, value]); break; }
            case O.SetItems: { var items = PopMark(); SetItems(Peek("SETITEMS"), items); break; }
            case O.EmptySet: Push(Track(new HashSet<object?>(PickleKeyComparer.Instance), 1)); break;
            case O.AddItems: { var items = PopMark(); AddToSet(Peek("ADDITEMS"), items); break; }
            case O.FrozenSet:
            {
                var set = Track(new HashSet<object?>(PickleKeyComparer.Instance), 1);
                AddToSet(set, PopMark());
                Push(set);
                break;
            }

            case O.Global: Push(globals.Resolve(reader.ReadLine("GLOBAL module"), reader.ReadLine("GLOBAL name"))); break;
            case O.StackGlobal:
            {
                var name = Pop();
                var module = Pop();
                if (module is not string m || name is not string nm)
                    throw new InvalidDataException($"STACK_GLOBAL needs two strings, got {Containers.Describe(module)} and {Containers.Describe(name)}");
                Push(globals.Resolve(m, nm));
                break;
            }
            case O.Reduce: { var args = Pop(); var callable = Pop(); Push(Call(callable, args, "REDUCE")); break; }
            case O.NewObj: { var args = Pop(); var cls = Pop(); Push(Instantiate(cls, args, null)); break; }
            case O.NewObjEx:
            {
                var kwargs = Pop();
                var args = Pop();
                var cls = Pop();
                if (kwargs is not PickleDict kw) throw new InvalidDataException($"NEWOBJ_EX keyword arguments must be a dict, got {Containers.Describe(kwargs)}");
                Push(Instantiate(cls, args, kw));
                break;
            }
            case O.Build: { var state = Pop(); BuildInto(Peek("BUILD"), state); break; }
            case O.BinPersId: Push(persistentLoad(Pop())); break;

            case O.BinPut: Put(reader.ReadByte()); break;
            case O.LongBinPut: Put(reader.ReadUInt32("LONG_BINPUT index")); break;
            case O.Memoize: Put(memo.Count); break;
            case O.BinGet: Push(Get(reader.ReadByte())); break;
            case O.LongBinGet: Push(Get(reader.ReadUInt32("LONG_BINGET index"))); break;

            default:
                throw new InvalidDataException(O.Refusal(op) is { } why
                    ? $"opcode 0x{op:x2} ('{(char)op}'): {why}"
                    : $"unknown opcode 0x{op:x2}: not a pickle, or a corrupt one");
        }
    }

    object ReadLong(int length)
    {
        var bytes = reader.ReadSpan(length, "LONG");
        if (length <= 8)
        {
            long value = 0;
            for (int k = length - 1; k >= 0; k--) value = (value << 8) | bytes[k];
            // Sign-extend from the top byte of the little-endian two's complement.
            if (length > 0 && length < 8 && (bytes[length - 1] & 0x80) != 0) value -= 1L << (8 * length);
            return value;
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    object? Call(object? callable, object? args, string opcode)
    {
        if (args is not object?[] tuple) throw new InvalidDataException($"{opcode} arguments must be a tuple, got {Containers.Describe(args)}");
        switch (callable)
        {
            case PickleFunction function:
                return Result(Invoke(function, tuple), tuple);
            case PickledGlobal g when PickleGlobals.LooksLikeClass(g):
                return Track(new PickledObject(g, tuple), Depth(tuple) + 1);
            case PickledGlobal g:
                throw new InvalidDataException($"refused to call {g.FullName}: it is a function, and this loader never calls functions named by a file");
            default:
                throw new InvalidDataException($"{opcode} on {Containers.Describe(callable)}, which is not a class or a known function");
        }
    }

    object? Instantiate(object? cls, object? args, PickleDict? kwargs)
    {
        if (args is not object?[] tuple) throw new InvalidDataException($"NEWOBJ arguments must be a tuple, got {Containers.Describe(args)}");
        return cls switch
        {
            PickleFunction { IsClass: true } function when kwargs is null or { Count: 0 } => Result(Invoke(function, tuple), tuple),
            PickleFunction function => throw new InvalidDataException($"NEWOBJ on {function.FullName}, which is not a class"),
            PickledGlobal g => Track(new PickledObject(g, tuple) { KwArgs = kwargs }, Math.Max(Depth(tuple), Depth(kwargs)) + 1),
            _ => throw new InvalidDataException($"NEWOBJ on {Containers.Describe(cls)}, which is not a class"),
        };
    }

    static object? Invoke(PickleFunction function, object?[] args)
    {
        try
        {
            return function.Invoke(args);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{function.FullName}: {e.Message}");
        }
    }

    object? Result(object? value, object?[] args) =>
        value is null or string or long or double or bool or Tensor ? value : Track(value, Depth(args) + 1);

    void BuildInto(object? target, object? state)
    {
        switch (target)
        {
            case PickledObject record:
                record.State = state;
                Deepen(record, state);
                break;
            case PickleDict dict when state is PickleDict attributes:
                dict.Attributes = attributes;
                Deepen(dict, state);
                break;
            case IPickleBuildable buildable:
                buildable.Build(state);
                break;
            case Tensor when state is null or PickleDict { Count: 0 }:
                break;
            default:
                throw new InvalidDataException($"BUILD on {Containers.Describe(target)} is not supported");
        }
    }

    void AppendTo(object? target, IReadOnlyList<object?> items)
    {
        var list = target switch
        {
            List<object?> l => l,
            PickledObject record => record.ListItems ??= [],
            _ => throw new InvalidDataException($"APPEND to {Containers.Describe(target)}, which is not a list"),
        };
        foreach (var item in items)
        {
            list.Add(item);
            Deepen(target!, item);
        }
    }

    void SetItems(object? target, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0) throw new InvalidDataException("SETITEMS with an odd number of keys and values");
        var dict = target switch
        {
            PickleDict d => d,
            PickledObject record => record.DictItems ??= new PickleDict(),
            _ => throw new InvalidDataException($"SETITEM on {Containers.Describe(target)}, which is not a dict"),
        };
        for (int k = 0; k < items.Count; k += 2)
        {
            dict[Containers.Key(items[k])] = items[k + 1];
            Deepen(target!, items[k + 1]);
        }
    }

    void AddToSet(object? target, IReadOnlyList<object?> items)
    {
        if (target is not HashSet<object?> set) throw new InvalidDataException($"ADDITEMS to {Containers.Describe(target)}, which is not a set");
        foreach (var item in items)
        {
            set.Add(Containers.Key(item));
            Deepen(set, item);
        }
    }

    object?[] MakeTuple(object?[] items) => items.Length == 0 ? items : Track(items, Depth(items) + 1);

    /// <summary>The nesting depth below a value: 0 for scalars, 1 + the deepest child for containers.</summary>
    int Depth(object? value) => value switch
    {
        null => 0,
        object?[] tuple when !depths.ContainsKey(tuple) => tuple.Length == 0 ? 1 : tuple.Max(Depth),
        _ => depths.GetValueOrDefault(value),
    };

    T Track<T>(T container, int depth) where T : notnull
    {
        if (depth > limits.MaxDepth) throw new InvalidDataException($"values nest deeper than {limits.MaxDepth} levels");
        depths[container] = depth;
        return container;
    }

    /// <summary>A container just received <paramref name="child"/>: it is now at least one level deeper than the child.</summary>
    void Deepen(object container, object? child)
    {
        int depth = Depth(child) + 1;
        if (depth > depths.GetValueOrDefault(container)) Track(container, depth);
    }

    void Push(object? value)
    {
        if (stack.Count >= limits.MaxStackItems) throw new InvalidDataException($"more than {limits.MaxStackItems} values on the stack");
        stack.Add(value);
    }

    object? Pop()
    {
        int floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor) throw new InvalidDataException("pop from an empty stack (or across a MARK)");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    object? Peek(string opcode)
    {
        int floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor) throw new InvalidDataException($"{opcode} with nothing on the stack");
        return stack[^1];
    }

    object?[] PopN(int count)
    {
        var items = new object?[count];
        for (int k = count - 1; k >= 0; k--) items[k] = Pop();
        return items;
    }

    object?[] PopMark()
    {
        if (marks.Count == 0) throw new InvalidDataException("no MARK to pop to");
        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start).ToArray();
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    void Put(long index)
    {
        var value = Peek("PUT");
        if (!memo.ContainsKey(index) && memo.Count >= limits.MaxMemoEntries)
            throw new InvalidDataException($"more than {limits.MaxMemoEntries} memo entries");
        memo[index] = value;
    }

    object? Get(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"memo index {index} was never stored (BINGET of a missing entry)");
}
