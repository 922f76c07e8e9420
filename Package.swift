// swift-tools-version: 6.1
// cml: compile neural networks to TFHE circuits, and deploy them as a client/server pair.
import PackageDescription

let package = Package(
    name: "cml",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FHECore", targets: ["FHECore"]),
        .library(name: "FHEClient", targets: ["FHEClient"]),
        .library(name: "FHECompiler", targets: ["FHECompiler"]),
        .library(name: "FHEServer", targets: ["FHEServer"]),
        .executable(name: "cml-dev", targets: ["cml-dev"]),
        .executable(name: "cml-client", targets: ["cml-client"]),
        .executable(name: "cml-server", targets: ["cml-server"]),
        .executable(name: "cml-bench", targets: ["cml-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // libsodium: randomness, hashing, zeroization, at-rest key protection.
        .systemLibrary(
            name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        // Swift generated from onnx.proto (Scripts/generate-onnx-proto.sh). Only FHECompiler imports it.
        .target(name: "ONNXProto", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The engine's hot kernels in C, compiled for AVX-512, AVX2 + FMA and portable vector code in one build and
        // chosen at run time (no target flags: apps depend on this package).
        .target(name: "CMLKernels"),
        // TFHE primitives, circuit IR and evaluators, quantizer math, wire format, bundle types.
        .target(
            name: "FHECore",
            dependencies: ["CSodium", "CMLKernels", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // ONNX import, quantization, lowering, parameter search, reports.
        .target(
            name: "FHECompiler",
            dependencies: ["FHECore", "ONNXProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // The key holder: keygen, encrypt, decrypt, server client. No NIO, so apps can embed it.
        .target(
            name: "FHEClient",
            dependencies: ["FHECore", "CSodium", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Evaluation service: key store, HTTP. Never sees a secret key.
        .target(
            name: "FHEServer",
            dependencies: [
                "FHECore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "cml-dev",
            dependencies: ["FHECompiler", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "cml-client",
            dependencies: ["FHEClient", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "cml-server",
            dependencies: ["FHEServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "cml-bench",
            dependencies: ["FHECompiler", "FHECore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The embeddable client library in a few lines (README "Embedding FHEClient"); built and run by the tests.
        .executableTarget(name: "client-example", dependencies: ["FHEClient", "FHECore"]),
        .testTarget(name: "FHECoreTests", dependencies: ["FHECore"]),
        .testTarget(name: "FHECompilerTests", dependencies: ["FHECompiler", "FHECore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "FHEClientTests", dependencies: ["FHEClient", "FHECore"]),
        .testTarget(
            name: "FHEServerTests",
            dependencies: ["FHEServer", "FHECore", "FHEClient", "FHECompiler",
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    ]
)
