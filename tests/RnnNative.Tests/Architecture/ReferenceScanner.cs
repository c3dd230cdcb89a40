using Mono.Cecil;
using Mono.Cecil.Cil;

namespace RnnNative.Tests.Architecture;

/// <summary>Type <see cref="From"/> names type <see cref="To"/> (both top-level, metadata names) in <see cref="Via"/>.</summary>
internal readonly record struct TypeReferenceUse(string From, string To, string Via);

/// <summary>Type <see cref="Type"/> (top-level) declares or calls something with a pointer type, in <see cref="Via"/>.</summary>
internal readonly record struct PointerUse(string Type, string Via);

/// <summary>
/// Every type reference a module's types make — base types, interfaces, generic constraints, attributes,
/// fields, properties, events, method signatures, locals and the operands of every IL instruction — and
/// every use of a pointer or function pointer type (including <c>fixed</c>'s pinned locals and <c>calli</c>).
/// Nested and compiler-generated types count as their outermost declaring type.
/// </summary>
internal sealed class ReferenceScanner
{
    private readonly ModuleDefinition _module;
    private readonly List<TypeReferenceUse> _references = [];
    private readonly List<PointerUse> _pointers = [];
    private string _from = "";

    private ReferenceScanner(ModuleDefinition module) => _module = module;

    public static (List<TypeReferenceUse> References, List<PointerUse> Pointers) Scan(ModuleDefinition module,
        Func<TypeDefinition, bool>? include = null)
    {
        var scanner = new ReferenceScanner(module);
        foreach (var type in module.GetTypes())
            if (include is null || include(Outermost(type)))
                scanner.ScanType(type);
        return (scanner._references, scanner._pointers);
    }

    /// <summary>The top-level type that declares <paramref name="type"/> (itself when it is not nested).</summary>
    public static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private void ScanType(TypeDefinition type)
    {
        _from = Outermost(type).FullName;
        string name = type.FullName;
        if (type.BaseType is not null) Use(type.BaseType, $"{name}: base type");
        foreach (var i in type.Interfaces) Use(i.InterfaceType, $"{name}: interface");
        GenericParameters(type.GenericParameters, name);
        Attributes(type.CustomAttributes, name);
        foreach (var f in type.Fields)
        {
            Use(f.FieldType, $"field {name}.{f.Name}");
            Attributes(f.CustomAttributes, $"field {name}.{f.Name}");
        }
        foreach (var p in type.Properties)
        {
            Use(p.PropertyType, $"property {name}.{p.Name}");
            Attributes(p.CustomAttributes, $"property {name}.{p.Name}");
        }
        foreach (var e in type.Events) Use(e.EventType, $"event {name}.{e.Name}");
        foreach (var m in type.Methods) ScanMethod(m, $"{name}.{m.Name}");
    }

    private void ScanMethod(MethodDefinition method, string where)
    {
        Use(method.ReturnType, $"{where}: return type");
        foreach (var p in method.Parameters) Use(p.ParameterType, $"{where}: parameter {p.Name}");
        foreach (var o in method.Overrides) Member(o, $"{where}: overrides");
        GenericParameters(method.GenericParameters, where);
        Attributes(method.CustomAttributes, where);
        if (!method.HasBody) return;
        foreach (var local in method.Body.Variables) Use(local.VariableType, $"{where}: local");
        Instruction? previous = null;
        foreach (var instruction in method.Body.Instructions)
        {
            Operand(instruction, previous, $"{where}: {instruction.OpCode.Name}");
            previous = instruction;
        }
    }

    private void Operand(Instruction instruction, Instruction? previous, string where)
    {
        switch (instruction.Operand)
        {
            case TypeReference t: Use(t, where); break;
            case MethodReference m when IsCompilerMadeSpan(m, previous): Use(m.DeclaringType, where); break;
            case MemberReference m: Member(m, where); break;
            case CallSite site:
                _pointers.Add(new PointerUse(_from, $"{where} (function pointer call)"));
                Use(site.ReturnType, where);
                foreach (var p in site.Parameters) Use(p.ParameterType, where);
                break;
        }
    }

    // Safe C# the compiler lowers to new Span<T>(void*, int): stackalloc into a span (after localloc) and u8 or
    // constant-array spans over static data (after ldsflda of a <PrivateImplementationDetails> field).
    private static bool IsCompilerMadeSpan(MethodReference m, Instruction? previous) =>
        m.Name == ".ctor" && m.DeclaringType.Namespace == "System"
        && m.DeclaringType.Name is "Span`1" or "ReadOnlySpan`1"
        && m.Parameters.Count == 2 && m.Parameters[0].ParameterType.IsPointer
        && WithinLast(previous, 8, i => i.OpCode == OpCodes.Localloc
            || (i.OpCode == OpCodes.Ldsflda && i.Operand is FieldReference f && f.DeclaringType.Name == "<PrivateImplementationDetails>"));

    private static bool WithinLast(Instruction? instruction, int count, Func<Instruction, bool> match)
    {
        for (var i = instruction; i is not null && count-- > 0; i = i.Previous)
            if (match(i)) return true;
        return false;
    }

    private void Member(MemberReference member, string where)
    {
        Use(member.DeclaringType, where);
        switch (member)
        {
            case FieldReference f: Use(f.FieldType, where); break;
            case MethodReference m:
                Use(m.ReturnType, where);
                foreach (var p in m.Parameters) Use(p.ParameterType, where);
                if (m is GenericInstanceMethod g)
                    foreach (var a in g.GenericArguments) Use(a, where);
                break;
        }
    }

    private void GenericParameters(IEnumerable<GenericParameter> parameters, string where)
    {
        foreach (var p in parameters)
            foreach (var c in p.Constraints) Use(c.ConstraintType, $"{where}: constraint on {p.Name}");
    }

    private void Attributes(IEnumerable<CustomAttribute> attributes, string where)
    {
        foreach (var a in attributes)
        {
            Use(a.AttributeType, $"{where}: attribute");
            foreach (var arg in a.ConstructorArguments.Concat(a.Properties.Select(p => p.Argument)).Concat(a.Fields.Select(f => f.Argument)))
                if (arg.Value is TypeReference t) Use(t, $"{where}: attribute argument");
        }
    }

    // Records the module's own types that `type` names (element types, generic arguments) and any pointer in it.
    private void Use(TypeReference? type, string where)
    {
        switch (type)
        {
            case null or GenericParameter: return;
            case PointerType p:
                _pointers.Add(new PointerUse(_from, $"{where} ({p.FullName})"));
                Use(p.ElementType, where);
                return;
            case FunctionPointerType f:
                _pointers.Add(new PointerUse(_from, $"{where} ({f.FullName})"));
                Use(f.ReturnType, where);
                foreach (var p in f.Parameters) Use(p.ParameterType, where);
                return;
            case PinnedType pinned:
                _pointers.Add(new PointerUse(_from, $"{where} (pinned local, fixed)"));
                Use(pinned.ElementType, where);
                return;
            case GenericInstanceType g:
                Use(g.ElementType, where);
                foreach (var a in g.GenericArguments) Use(a, where);
                return;
            case TypeSpecification spec:   // arrays, by-refs, modifiers
                Use(spec.ElementType, where);
                return;
        }
        var definition = type as TypeDefinition ?? (type.Scope == _module ? type.Resolve() : null);
        if (definition is null || definition.Module != _module) return;   // another assembly's type
        string to = Outermost(definition).FullName;
        if (to != _from) _references.Add(new TypeReferenceUse(_from, to, where));
    }
}
