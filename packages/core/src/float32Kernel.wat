;; The wasm SIMD kernels of toFloat32: bytes to float32s, 16 pixels a step (src/float32Kernel.wasm.ts holds the assembled bytes).
;;
;; Each kernel reads `n` bytes at `src` and writes `n` float32s at `dst`, rounding `n` up to a
;; multiple of 16: the caller's scratch areas have room, and it never copies the extra lanes out.
;; Bytes widen u8 -> i16 -> i32; the signed i32 conversions are single instructions on x64 (the
;; unsigned ones are emulated) and equal the unsigned ones below 256. No kernel is trusted to be
;; exact by argument alone: src/float32Simd.ts runs it on all 256 byte values first.
;; Rebuild the .ts after an edit: `pnpm --filter @fmnist/core build:wasm`.
(module
  ;; One page that never grows, so the views src/float32Simd.ts keeps on it never detach.
  (memory (export "memory") 1 1)

  ;; `x * a + b` in float32: exact for a = 1, b = 0 ('none').
  (func (export "mulAdd") (param $src i32) (param $dst i32) (param $n i32) (param $a f32) (param $b f32)
    (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $va v128) (local $vb v128)
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $end (i32.add (local.get $src) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
        (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
        (v128.store offset=0 (local.get $dst)
          (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $lo))) (local.get $va)) (local.get $vb)))
        (v128.store offset=16 (local.get $dst)
          (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $lo))) (local.get $va)) (local.get $vb)))
        (v128.store offset=32 (local.get $dst)
          (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $hi))) (local.get $va)) (local.get $vb)))
        (v128.store offset=48 (local.get $dst)
          (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $hi))) (local.get $va)) (local.get $vb)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $next))))

  ;; `x * aHi + x * aLo + b` in float32, with `aHi` holding 16 significant bits so `x * aHi` is
  ;; exact: the sum carries ~40 bits of `x * (aHi + aLo)`, which rounds to `x / 255` ('scale')
  ;; correctly (x / 255 repeats x's 8 bits, never near a float32 rounding midpoint). Two multiplies
  ;; instead of a division, which costs more than the rest of the kernel.
  (func (export "splitMulAdd") (param $src i32) (param $dst i32) (param $n i32) (param $aHi f32) (param $aLo f32) (param $b f32)
    (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $f v128) (local $vhi v128) (local $vlo v128) (local $vb v128)
    (local.set $vhi (f32x4.splat (local.get $aHi)))
    (local.set $vlo (f32x4.splat (local.get $aLo)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $end (i32.add (local.get $src) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
        (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
        (local.set $f (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $lo))))
        (v128.store offset=0 (local.get $dst)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $f) (local.get $vhi)) (f32x4.mul (local.get $f) (local.get $vlo)))
            (local.get $vb)))
        (local.set $f (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $lo))))
        (v128.store offset=16 (local.get $dst)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $f) (local.get $vhi)) (f32x4.mul (local.get $f) (local.get $vlo)))
            (local.get $vb)))
        (local.set $f (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $hi))))
        (v128.store offset=32 (local.get $dst)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $f) (local.get $vhi)) (f32x4.mul (local.get $f) (local.get $vlo)))
            (local.get $vb)))
        (local.set $f (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $hi))))
        (v128.store offset=48 (local.get $dst)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $f) (local.get $vhi)) (f32x4.mul (local.get $f) (local.get $vlo)))
            (local.get $vb)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $next))))

  ;; `x * a + b` in float64, narrowed to float32: the same two roundings and final narrowing as
  ;; JavaScript's `x * a + b` stored into a Float32Array, so equal for every a and b.
  (func (export "mulAdd64") (param $src i32) (param $dst i32) (param $n i32) (param $a f64) (param $b f64)
    (local $end i32) (local $v v128) (local $lo v128) (local $hi v128) (local $q v128) (local $va v128) (local $vb v128)
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $end (i32.add (local.get $src) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (local.set $lo (i16x8.extend_low_i8x16_u (local.get $v)))
        (local.set $hi (i16x8.extend_high_i8x16_u (local.get $v)))
        (v128.store offset=0 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.tee $q (i32x4.extend_low_i16x8_u (local.get $lo)))) (local.get $va)) (local.get $vb)))
            (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q)))
                  (local.get $va))
                (local.get $vb)))))
        (v128.store offset=16 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.tee $q (i32x4.extend_high_i16x8_u (local.get $lo)))) (local.get $va)) (local.get $vb)))
            (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q)))
                  (local.get $va))
                (local.get $vb)))))
        (v128.store offset=32 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.tee $q (i32x4.extend_low_i16x8_u (local.get $hi)))) (local.get $va)) (local.get $vb)))
            (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q)))
                  (local.get $va))
                (local.get $vb)))))
        (v128.store offset=48 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_s (local.tee $q (i32x4.extend_high_i16x8_u (local.get $hi)))) (local.get $va)) (local.get $vb)))
            (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.convert_low_i32x4_s
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q)))
                  (local.get $va))
                (local.get $vb)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $next))))
)
