package dev.callsight.agent.core.glue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;

/**
 * What a module's glue uses of its library: every type, method and field outside the JDK and the agent, read from
 * the glue's class files (the entry classes and every glue class they reach). A class loader can take the glue when
 * it resolves all of them; checking that before instrumenting turns a library version the glue does not fit into a
 * skipped loader instead of a LinkageError in the application. The idea is the OpenTelemetry agent's muzzle, done at
 * run time over class files, so nothing is loaded while it checks.
 */
final class GlueReferences {

    /** An owner's method or field: internal owner name, name, descriptor. */
    private static final class Member {
        final String owner;
        final String name;
        final String descriptor;

        Member(String owner, String name, String descriptor) {
            this.owner = owner;
            this.name = name;
            this.descriptor = descriptor;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Member)) {
                return false;
            }
            Member member = (Member) other;
            return owner.equals(member.owner) && name.equals(member.name) && descriptor.equals(member.descriptor);
        }

        @Override
        public int hashCode() {
            return (owner.hashCode() * 31 + name.hashCode()) * 31 + descriptor.hashCode();
        }

        @Override
        public String toString() {
            return owner.replace('/', '.') + "." + name + descriptor;
        }
    }

    private final Set<String> types;
    private final Set<Member> methods;
    private final Set<Member> fields;

    private GlueReferences(Set<String> types, Set<Member> methods, Set<Member> fields) {
        this.types = types;
        this.methods = methods;
        this.fields = fields;
    }

    /**
     * @param gluePackage internal name with a trailing slash, e.g. "dev/callsight/agent/instrumentation/okhttp/"
     * @param entries binary names of the glue classes the core instantiates
     * @param optional binary names of library types the glue uses only where present (it catches their LinkageError)
     */
    static GlueReferences collect(ClassLoader agent, String gluePackage, Iterable<String> entries, Set<String> optional)
            throws IOException {
        Collector collector = new Collector(gluePackage, optional);
        for (String entry : entries) {
            collector.reach(entry.replace('.', '/'));
        }
        while (!collector.pending.isEmpty()) {
            String glue = collector.pending.pop();
            try (InputStream in = agent.getResourceAsStream(glue + ".class")) {
                if (in == null) {
                    throw new IOException("the agent jar has no class " + glue);
                }
                new ClassReader(in.readAllBytes()).accept(collector.classVisitor(), ClassReader.SKIP_FRAMES);
            }
        }
        return new GlueReferences(collector.types, collector.methods, collector.fields);
    }

    /** The first reference the loader cannot resolve, or null when it can take the glue. */
    String firstMissing(ClassLoader loader) {
        ClassFileLocator locator = loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader);
        TypePool pool = TypePool.Default.of(locator);
        for (String type : types) {
            if (!pool.describe(type.replace('/', '.')).isResolved()) {
                return "class " + type.replace('/', '.');
            }
        }
        for (Member method : methods) {
            if (!hasMethod(pool, method.owner, method.name, method.descriptor, new HashSet<>())) {
                return "method " + method;
            }
        }
        for (Member field : fields) {
            if (!hasField(pool, field.owner, field.name, field.descriptor)) {
                return "field " + field;
            }
        }
        return null;
    }

    /** Declared in the type, a super class or a super interface; Object's methods count for interfaces too. */
    private static boolean hasMethod(TypePool pool, String owner, String name, String descriptor, Set<String> seen) {
        if (!seen.add(owner)) {
            return false;
        }
        TypePool.Resolution resolution = pool.describe(owner.replace('/', '.'));
        if (!resolution.isResolved()) {
            return false;
        }
        TypeDescription type = resolution.resolve();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (method.getInternalName().equals(name) && method.getDescriptor().equals(descriptor)) {
                return true;
            }
        }
        TypeDefinition superClass = type.getSuperClass();
        String parent = superClass != null ? superClass.asErasure().getInternalName() : "java/lang/Object";
        if (!owner.equals("java/lang/Object") && hasMethod(pool, parent, name, descriptor, seen)) {
            return true;
        }
        for (TypeDescription.Generic superInterface : type.getInterfaces()) {
            if (hasMethod(pool, superInterface.asErasure().getInternalName(), name, descriptor, seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasField(TypePool pool, String owner, String name, String descriptor) {
        for (String current = owner; current != null; ) {
            TypePool.Resolution resolution = pool.describe(current.replace('/', '.'));
            if (!resolution.isResolved()) {
                return false;
            }
            TypeDescription type = resolution.resolve();
            for (FieldDescription.InDefinedShape field : type.getDeclaredFields()) {
                if (field.getInternalName().equals(name) && field.getDescriptor().equals(descriptor)) {
                    return true;
                }
            }
            TypeDefinition superClass = type.getSuperClass();
            current = superClass == null ? null : superClass.asErasure().getInternalName();
        }
        return false;
    }

    /** Walks the glue's class files, following references into the glue package and recording the rest. */
    private static final class Collector {
        private static final ClassLoader JDK = ClassLoader.getPlatformClassLoader();

        final Deque<String> pending = new ArrayDeque<>();
        final Set<String> types = new LinkedHashSet<>();
        final Set<Member> methods = new LinkedHashSet<>();
        final Set<Member> fields = new LinkedHashSet<>();
        private final Set<String> reached = new HashSet<>();
        private final Map<String, Boolean> library = new HashMap<>();
        private final String gluePackage;
        private final Set<String> optional;

        Collector(String gluePackage, Set<String> optional) {
            this.gluePackage = gluePackage;
            this.optional = new HashSet<>();
            optional.forEach(name -> this.optional.add(name.replace('.', '/')));
        }

        void reach(String internalName) {
            if (reached.add(internalName)) {
                pending.push(internalName);
            }
        }

        /** True for a library type, after following it when it is glue. */
        boolean type(String internalName) {
            if (internalName.startsWith(gluePackage)) {
                reach(internalName);
                return false;
            }
            Boolean fromLibrary = library.get(internalName);
            if (fromLibrary == null) {
                // The agent's own classes and the JDK's are there wherever the glue runs.
                fromLibrary = !internalName.startsWith("dev/callsight/") && !optional.contains(internalName)
                        && JDK.getResource(internalName + ".class") == null;
                library.put(internalName, fromLibrary);
            }
            if (fromLibrary) {
                types.add(internalName);
            }
            return fromLibrary;
        }

        void type(Type type) {
            if (type.getSort() == Type.ARRAY) {
                type(type.getElementType());
            } else if (type.getSort() == Type.OBJECT) {
                type(type.getInternalName());
            } else if (type.getSort() == Type.METHOD) {
                type(type.getReturnType());
                for (Type argument : type.getArgumentTypes()) {
                    type(argument);
                }
            }
        }

        void method(String owner, String name, String descriptor) {
            type(Type.getMethodType(descriptor));
            if (!owner.startsWith("[") && type(owner)) {
                methods.add(new Member(owner, name, descriptor));
            }
        }

        void field(String owner, String name, String descriptor) {
            type(Type.getType(descriptor));
            if (type(owner)) {
                fields.add(new Member(owner, name, descriptor));
            }
        }

        void constant(Object value) {
            if (value instanceof Type) {
                type((Type) value);
            } else if (value instanceof Handle) {
                Handle handle = (Handle) value;
                if (handle.getTag() <= Opcodes.H_PUTSTATIC) {
                    field(handle.getOwner(), handle.getName(), handle.getDesc());
                } else {
                    method(handle.getOwner(), handle.getName(), handle.getDesc());
                }
            }
        }

        ClassVisitor classVisitor() {
            return new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
                    if (superName != null) {
                        type(superName);
                    }
                    if (interfaces != null) {
                        for (String superInterface : interfaces) {
                            type(superInterface);
                        }
                    }
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                        Object value) {
                    type(Type.getType(descriptor));
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    type(Type.getMethodType(descriptor));
                    return methodVisitor();
                }
            };
        }

        private MethodVisitor methodVisitor() {
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                        boolean isInterface) {
                    method(owner, name, descriptor);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    field(owner, name, descriptor);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(Type.getObjectType(type));
                }

                @Override
                public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                    type(Type.getType(descriptor));
                }

                @Override
                public void visitLdcInsn(Object value) {
                    constant(value);
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                    if (type != null) {
                        type(type);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                        Object... arguments) {
                    type(Type.getMethodType(descriptor));
                    for (Object argument : arguments) {
                        constant(argument);
                    }
                }
            };
        }
    }
}
