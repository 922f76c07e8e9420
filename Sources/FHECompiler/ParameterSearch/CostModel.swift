// Concrete's CPU cost model, docs/PARAMETERS.md#cost-model (`computing_cost/{fft.rs,operators/cmux.rs,
// operators/pbs.rs,operators/keyswitch_lwe.rs,cpu.rs}`). Unit: abstract operations (adds and muls
// count 1). The optimizer minimises it; absolute times come from benchmarks, not from here.
import Foundation
import FHECore

/// Operation counts of the TFHE primitives (docs/PARAMETERS.md#cost-model).
public enum CostModel {
    /// C_fft(N) = C_ifft(N) = N·log2 N + N.
    public static func fft(polynomialSize: Int) -> Double {
        let size = Double(polynomialSize)
        return size * log2(size) * 1.0 + size
    }

    /// C_CMUX = (k+1)·l·C_fft(N) + (k+1)·C_ifft(N) + (k+1)²·l·N: forward FFT of every digit
    /// polynomial, one inverse FFT per output polynomial, pointwise multiply-accumulate. A split key
    /// (`FourierPrecision.split`) doubles the inverse FFTs and the products.
    public static func cmux(glweDimension: Int, polynomialSize: Int, levelCount: Int,
                            fourierPrecision: FourierPrecision = .standard) -> Double {
        let glweSize = Double(glweDimension + 1)
        let levels = Double(levelCount)
        let parts = Double(fourierPrecision.keyParts)
        let fftCost = glweSize * levels * fft(polynomialSize: polynomialSize)
        let ifftCost = parts * glweSize * fft(polynomialSize: polynomialSize)
        let productCost = parts * glweSize * glweSize * levels * Double(polynomialSize) * 1.0
        return fftCost + ifftCost + productCost + 0.0
    }

    /// C_PBS = n·C_CMUX (the blind rotation; modulus switch and sample extraction are free).
    public static func pbs(lweDimension: Int, glweDimension: Int, polynomialSize: Int, levelCount: Int,
                           fourierPrecision: FourierPrecision = .standard) -> Double {
        Double(lweDimension) * cmux(glweDimension: glweDimension, polynomialSize: polynomialSize, levelCount: levelCount,
                                    fourierPrecision: fourierPrecision)
    }

    /// C_KS = n_in·l (decompositions) + n_in·l·(n+1) (products) + (n_in·l − 1)·(n+1) + 1 (sums)
    /// = n_in·l·(2n + 3) − n.
    public static func keyswitch(inputDimension: Int, outputDimension: Int, levelCount: Int) -> Double {
        let outputSize = outputDimension + 1
        let decompositions = inputDimension * levelCount
        let products = inputDimension * levelCount * outputSize
        let sums = (inputDimension * levelCount - 1) * outputSize + 1
        return Double(decompositions + products + sums)
    }

    /// C_levelled = m·d for a dot product of m ciphertexts of LWE dimension d (k·N under the big key).
    public static func levelled(operandCount: Int, lweDimension: Int) -> Double {
        Double(operandCount) * Double(lweDimension)
    }

    /// C_KS + C_PBS: one TLU of the KS-PBS atomic pattern under `parameters`.
    public static func tlu(for parameters: ParameterSet) -> Double {
        keyswitch(inputDimension: parameters.bigLWEDimension.rawValue, outputDimension: parameters.lweDimension.rawValue,
                  levelCount: parameters.ksDecomposition.levelCount.rawValue)
            + pbs(lweDimension: parameters.lweDimension.rawValue, glweDimension: parameters.glweDimension.rawValue,
                  polynomialSize: parameters.polynomialSize.rawValue, levelCount: parameters.pbsDecomposition.levelCount.rawValue,
                  fourierPrecision: parameters.fourierPrecision)
    }
}
