console.log('tailor: not built yet');
