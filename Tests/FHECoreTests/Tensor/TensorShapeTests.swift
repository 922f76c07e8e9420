// Broadcasting and element-type rounding, which every float kernel relies on.
import FHECore
import Testing

@Suite("Tensor shapes")
struct TensorShapeTests {
    @Test("broadcast shapes follow NumPy rules")
    func broadcastShapes() {
        #expect(Tensor.broadcastShape([2, 1, 3], [4, 1]) == [2, 4, 3])
        #expect(Tensor.broadcastShape([], [5]) == [5])
        #expect(Tensor.broadcastShape([3], [4]) == nil)
    }

    @Test("broadcast repeats along size-1 axes")
    func broadcastValues() {
        let column = Tensor(shape: [2, 1], values: [1, 2])
        #expect(column.broadcast(to: [2, 3]).values == [1, 1, 1, 2, 2, 2])
        let row = Tensor(shape: [3], values: [1, 2, 3])
        #expect(row.broadcast(to: [2, 3]).values == [1, 2, 3, 1, 2, 3])
    }

    @Test("element types round as their storage would")
    func rounding() {
        #expect(ElementType.represent(0.1, as: .float32) == Double(Float(0.1)))
        #expect(ElementType.represent(-2.7, as: .int64) == -2)
        #expect(ElementType.represent(200, as: .int8) == -56)
        #expect(ElementType.represent(-1, as: .uint8) == 255)
        #expect(ElementType.represent(0.5, as: .bool) == 1)
    }

    @Test("rows slice and stack back")
    func rows() {
        let t = Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        let parts = (0..<3).map { t.slice(rows: $0..<($0 + 1)) }
        #expect(parts[1].values == [3, 4])
        #expect(Tensor.concatenatingRows(parts) == t)
    }
}
