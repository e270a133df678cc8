import { ProductGrid } from './features/catalog/ProductGrid';

export function App() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <a className="brand" href="/" aria-label="Stride home">
            <span className="brand__mark" aria-hidden="true" />
            Stride
          </a>
        </div>
      </header>

      <main id="main" className="container" tabIndex={-1}>
        <section className="hero" aria-labelledby="hero-heading">
          <h1 id="hero-heading">Gear that keeps pace with you.</h1>
          <p>Breathable layers, training essentials and running kit built for every mile.</p>
        </section>

        <ProductGrid />
      </main>

      <footer className="site-footer">
        <div className="container">
          <p>© {new Date().getFullYear()} Stride. Athletic apparel.</p>
        </div>
      </footer>
    </>
  );
}
