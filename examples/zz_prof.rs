fn main() {
    let code = std::fs::read_to_string("/tmp/gen_200.rs").unwrap();
    let opts = rust_async_skill::analysis::DiagnoseOptions::default();
    let n = 2000;
    let t = std::time::Instant::now();
    for _ in 0..n {
        rust_async_skill::analysis::diagnose(&code, &opts).unwrap();
    }
    println!("guarded: {:?}/call", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        rust_async_skill::analysis::diagnose_unguarded(&code, &opts).unwrap();
    }
    println!("unguarded: {:?}/call", t.elapsed() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let _f: syn::File = syn::parse_str(&code).unwrap();
    }
    println!("syn parse only: {:?}/call", t.elapsed() / n);
}
